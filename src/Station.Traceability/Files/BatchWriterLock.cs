namespace Station.Traceability.Files;

/// <summary>
/// An exclusive lock on one batch folder (<c>.writer.lock</c>, an OS file lock released when the process
/// dies, even by SIGKILL): two station processes writing one batch would interleave rows and each would
/// take the other's row in flight for a torn tail. Readers (<c>station report</c>) never take it.
/// </summary>
internal sealed class BatchWriterLock : IDisposable
{
    public const string FileName = ".writer.lock";

    private readonly FileStream _file;

    private BatchWriterLock(FileStream file) => _file = file;

    public static BatchWriterLock Acquire(string batchDirectory, string batch)
    {
        string path = Path.Combine(batchDirectory, FileName);
        try
        {
            // FileShare.None is an exclusive, non-blocking flock on Unix: a second holder fails at once.
            return new BatchWriterLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0));
        }
        catch (IOException e)
        {
            throw new RecordFileException(path,
                $"batch '{batch}' is being written by another station process; give this run its own --batch (or stop the other run first).", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
