using Station.Traceability.Reports;
using Station.Traceability.Tests.Support;

namespace Station.Traceability.Tests.Reports;

public class ReportsDirectoryTests
{
    [Fact]
    public async Task Batches_FoldersWithRecords_AreListedAndOthersNot()
    {
        using var temp = new TempDirectory();
        await using (await BatchRecordWriter.OpenAsync(temp.Path, "2025-03-04-b", CancellationToken.None))
        {
        }

        await using (await BatchRecordWriter.OpenAsync(temp.Path, "2025-03-04-a", CancellationToken.None))
        {
        }

        Directory.CreateDirectory(temp.Combine("logs"));
        await File.WriteAllTextAsync(temp.Combine("notes.txt"), "");

        Assert.Equal(["2025-03-04-a", "2025-03-04-b"], new ReportsDirectory(temp.Path).Batches());
    }

    [Fact]
    public void Batches_MissingFolder_IsEmpty()
    {
        using var temp = new TempDirectory();

        Assert.Empty(new ReportsDirectory(temp.Combine("nowhere")).Batches());
    }
}
