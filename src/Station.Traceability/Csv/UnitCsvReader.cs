using CsvHelper;

namespace Station.Traceability.Csv;

/// <summary>What a read of <c>units.csv</c> found.</summary>
/// <param name="IgnoredTailBytes">Bytes after the last complete row (a row torn by a crash), left out of <paramref name="Rows"/>.</param>
public sealed record UnitCsvContents(IReadOnlyList<UnitCsvRow> Rows, long IgnoredTailBytes);

/// <summary>
/// Reads <c>units.csv</c> with the writer's own <see cref="UnitCsvRowMap"/>, while the station may still
/// be appending to it. A torn trailing row is skipped, never parsed: reading does not change the file
/// (the writer repairs it when it next opens the batch).
/// </summary>
public static class UnitCsvReader
{
    public static async Task<UnitCsvContents> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] complete;
        long ignored;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        await using (stream.ConfigureAwait(false))
        {
            long length = await CompleteRows.LengthAsync(stream, cancellationToken).ConfigureAwait(false);
            ignored = stream.Length - length;
            complete = new byte[length];
            stream.Position = 0;
            await stream.ReadExactlyAsync(complete, cancellationToken).ConfigureAwait(false);
        }

        return new UnitCsvContents(Parse(path, complete), ignored);
    }

    private static List<UnitCsvRow> Parse(string path, byte[] complete)
    {
        if (complete.Length == 0)
        {
            return [];
        }

        using var text = new StreamReader(new MemoryStream(complete), UnitCsvFormat.Encoding);
        using var csv = new CsvReader(text, UnitCsvFormat.Configuration);
        csv.Context.RegisterClassMap<UnitCsvRowMap>();
        try
        {
            return [.. csv.GetRecords<UnitCsvRow>()];
        }
        catch (HeaderValidationException e)
        {
            throw new RecordFileException(path, $"the header lacks columns this station needs ({string.Join(", ", e.InvalidHeaders.SelectMany(h => h.Names))}); it was not written by this version of the station.", e);
        }
        catch (CsvHelperException e)
        {
            throw new RecordFileException(path, CsvReadFailure.Describe(e), e);
        }
    }
}
