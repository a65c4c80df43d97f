namespace Station.DeviceData.Nvs.Csv;

/// <summary>How to read a generator CSV.</summary>
/// <param name="Version">Decides the size limits of strings and blobs (1984 bytes in version 1).</param>
/// <param name="ReadFile">
/// Reads the file a <c>file</c> row names, exactly as given in the CSV. ESP-IDF's generator resolves relative
/// paths against the current directory, not the CSV's (nvs-format.md §10). Throw <see cref="FileNotFoundException"/>,
/// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be read. Null: file
/// rows are an error.
/// </param>
public sealed record NvsCsvOptions(NvsFormatVersion Version = NvsFormatVersion.Version2, Func<string, byte[]>? ReadFile = null);
