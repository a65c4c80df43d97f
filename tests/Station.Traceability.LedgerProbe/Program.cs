using System.Globalization;
using System.Text;
using Station.Traceability;
using Station.Traceability.Ledger;

// A station process as far as the ledger is concerned, for tests that need a second process or one
// they can kill with SIGKILL. Arguments are key=value:
//   ledger=<connection setting>  reports=<dir>  product=<name>  station=<id>  first=<unit index>  count=<units>
//   parallel=<slots>  master-rows=<rows, 0 for none>
// For each unit index i in [first, first+count) it allocates the serial of MAC LedgerProbeMac(i),
// claims a master row (when master-rows > 0), records a PASS with device data, and only then prints
//   UNIT <index> <mac> <seq> <serial> <row or -> <new|existing> .
// so every line printed is a unit whose ledger writes all returned. It ends with "DONE".
var options = args.Select(a => a.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length == 2 ? kv[1] : "", StringComparer.Ordinal);
string Option(string name) => options.TryGetValue(name, out string? value) ? value : throw new ArgumentException($"missing {name}=…");
int Number(string name) => int.Parse(Option(name), CultureInfo.InvariantCulture);

string product = Option("product");
string station = Option("station");
int first = Number("first");
int count = Number("count");
int parallel = Number("parallel");
int masterRows = Number("master-rows");
var format = SerialFormat.Parse("{product}-{yyyy}{seq:000000}");
var time = TimeProvider.System;
string sourceId = product + ":master";

var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
var output = new SemaphoreSlim(1, 1);
await using var ledger = await SerialLedgers.OpenAsync(Option("ledger"), Option("reports"), CancellationToken.None);

int next = first - 1;
await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
{
    for (int i = Interlocked.Increment(ref next); i < first + count; i = Interlocked.Increment(ref next))
    {
        string mac = MacOf(i);
        var allocation = await ledger.AllocateAsync(new SerialRequest(product, mac, format, station, "B1", time.GetUtcNow()), CancellationToken.None);
        string row = "-";
        if (masterRows > 0)
        {
            var claim = await ledger.ClaimMasterRowAsync(new MasterRowRequest(sourceId, mac, masterRows, station, time.GetUtcNow()), CancellationToken.None);
            row = claim.Row.ToString(CultureInfo.InvariantCulture);
        }

        byte[] image = Encoding.UTF8.GetBytes($"nvs image of {mac}: serial={allocation.Serial} row={row}".PadRight(4096, '\xff'));
        var data = LedgerDeviceData.FromImage(0x9000, 0x6000, image, $"{{\"serial\":\"{allocation.Serial}\"}}");
        await ledger.RecordOutcomeAsync(new UnitOutcome(product, mac, UnitResult.Pass, $"{station}-{i}", station, time.GetUtcNow(), data), CancellationToken.None);

        string line = $"UNIT {i} {mac} {allocation.Entry.Seq} {allocation.Serial} {row} {(allocation.Existing ? "existing" : "new")} .";
        await output.WaitAsync();
        try
        {
            await stdout.WriteLineAsync(line);
        }
        finally
        {
            output.Release();
        }
    }
}))).ConfigureAwait(false);

await stdout.WriteLineAsync("DONE");
return 0;

// Locally administered MACs, one per unit index.
static string MacOf(int index) => MacAddressText.Normalize($"02:00:00:{(index >> 16) & 0xFF:X2}:{(index >> 8) & 0xFF:X2}:{index & 0xFF:X2}");
