namespace Station.DeviceData.Nvs.Csv;

/// <summary>What a CSV row declares, decided from its type column.</summary>
internal enum NvsCsvRowKind
{
    Namespace,
    Data,
    File,
}

/// <summary>
/// The reference generator compares the type column with exactly <c>namespace</c> and <c>file</c> and treats every
/// other value, <c>DATA</c>, <c>data </c> or a missing column included, as data.
/// </summary>
internal static class NvsCsvRowKinds
{
    /// <returns>The kind, or null when the type is <c>namespace</c> or <c>file</c> in another case or with spaces:
    /// the generator would then store the namespace name or the file's path as a data value, which nobody means.</returns>
    public static NvsCsvRowKind? Classify(string? type)
    {
        switch (type)
        {
            case "namespace":
                return NvsCsvRowKind.Namespace;
            case "file":
                return NvsCsvRowKind.File;
        }

        string folded = type?.Trim().ToLowerInvariant() ?? "";
        return folded is "namespace" or "file" ? null : NvsCsvRowKind.Data;
    }
}
