namespace Station.Traceability.Tests.Support;

/// <summary>A fresh directory per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
        : this(System.IO.Path.GetTempPath())
    {
    }

    private TempDirectory(string parent)
    {
        Path = System.IO.Path.Combine(parent, "station-traceability-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// A directory on tmpfs where there is one: fsync costs nothing there, which lets a test repeat a
    /// write-and-repair cycle hundreds of times. Use only where the bytes matter, not the disk.
    /// </summary>
    public static TempDirectory InMemory() => new(Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath());

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}
