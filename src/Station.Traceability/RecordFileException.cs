namespace Station.Traceability;

/// <summary>A record file this station cannot use as it is (a foreign layout, a damaged cell); the message names the file and what to do.</summary>
public sealed class RecordFileException : IOException
{
    public RecordFileException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Path = path;
    }

    /// <summary>The file at fault.</summary>
    public string Path { get; }
}
