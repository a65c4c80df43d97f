namespace Station.Simulator.Flash;

/// <summary>Writes a flash image atomically: to a temporary file beside the target, then rename.</summary>
public static class FlashDump
{
    public static async Task<string> WriteAsync(NorFlash flash, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flash);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await flash.WriteImageAsync(stream, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, full, overwrite: true);
            return full;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
