namespace Station.Traceability;

/// <summary>A batch name becomes a directory under the reports folder, so it must be one plain path segment.</summary>
public static class BatchName
{
    public static bool IsValid(string? batch) =>
        !string.IsNullOrWhiteSpace(batch)
        && batch.Trim() == batch
        && batch is not ("." or "..")
        && batch.IndexOfAny(Path.GetInvalidFileNameChars()) < 0
        && batch.IndexOfAny(['/', '\\', ':']) < 0;

    public static void Validate(string? batch)
    {
        if (!IsValid(batch))
        {
            throw new ArgumentException($"'{batch}' cannot be a batch name: use letters, digits, '-', '_' or '.', without slashes.", nameof(batch));
        }
    }
}
