using System.Diagnostics;
using System.Text;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;
using Station.DeviceData.Nvs.Reading;
using Xunit.Abstractions;

namespace Station.DeviceData.Tests.Nvs;

/// <summary>
/// Many random CSVs (every integer type, strings and blobs of every size, several namespaces, v1 and v2, the
/// tightest partition size): CSV → image → reader gives the same items back, and one page less does not fit.
/// Byte identity with ESP-IDF cannot be run here (no Python generator); it rests on the vectors and §7's rules.
/// </summary>
public class NvsRoundTripPropertyTests(ITestOutputHelper output)
{
    private const int Cases = 400;

    [Fact]
    public void Generate_RandomCsvAtTightestSize_ReadsBackTheSameItems()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(20251121);
        int pagesTotal = 0;
        for (int n = 0; n < Cases; n++)
        {
            var version = random.Next(3) == 0 ? NvsFormatVersion.Version1 : NvsFormatVersion.Version2;
            var csv = RandomCsv.Create(random, version);
            var options = new NvsCsvOptions(version, path => csv.Files[path]);
            var document = NvsCsvReader.Read(csv.Text, options);
            Assert.Equal(csv.Items, document.Items);

            int pages = NvsWriter.MeasurePages(csv.Items, version);
            long size = pages <= 2 ? pages * 0x1000L : NvsPartitionSize.Needed(pages);
            var generated = NvsGenerator.Generate(csv.Text, new NvsWriteOptions(size, version), path => csv.Files[path]);
            pagesTotal += pages;

            var partition = NvsReader.Read(generated.Image.Bytes);
            Assert.Empty(partition.Problems);
            Assert.Equal(NvsImageVerifier.WithDeclarations(csv.Items), partition.Items);
            Assert.Equal(NvsWriter.Write(csv.Items, new NvsWriteOptions(size, version)).Bytes, generated.Image.Bytes);

            if (pages >= 3)
            {
                var e = Assert.Throws<NvsException>(() => NvsGenerator.Generate(csv.Text, new NvsWriteOptions(size - 0x1000, version), path => csv.Files[path]));
                Assert.Equal(NvsErrorCodes.PartitionTooSmall, Assert.Single(e.Errors).Code);
            }
        }

        output.WriteLine($"{Cases} random CSVs, {pagesTotal} pages, in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>A random generator CSV, the files its file rows name, and the items it must give.</summary>
    private sealed record RandomCsv(string Text, List<NvsItem> Items, Dictionary<string, byte[]> Files)
    {
        private static readonly string[] s_integers = ["u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64"];

        public static RandomCsv Create(Random random, NvsFormatVersion version)
        {
            var text = new StringBuilder("key,type,encoding,value\n");
            var items = new List<NvsItem>();
            var files = new Dictionary<string, byte[]>();
            int namespaces = random.Next(1, 5);
            for (int ns = 0; ns < namespaces; ns++)
            {
                string full = $"ns{ns}_{Key(random)}";
                string name = full[..Math.Min(full.Length, Math.Min(15, 4 + random.Next(12)))];
                text.Append(name).Append(",namespace,,\n");
                items.Add(new NvsNamespace(name));
                int rows = random.Next(0, 30);
                for (int r = 0; r < rows; r++)
                {
                    string key = Key(random);
                    var (row, value) = Row(random, version, files);
                    text.Append(key).Append(',').Append(row).Append('\n');
                    items.Add(new NvsEntry(name, key, value));
                }

                if (random.Next(10) == 0)
                {
                    text.Append("# a comment line\n\n");
                }
            }

            return new RandomCsv(text.ToString(), items, files);
        }

        private static string Key(Random random)
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
            return new string(Enumerable.Range(0, random.Next(1, 16)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        }

        private static (string Row, NvsValue Value) Row(Random random, NvsFormatVersion version, Dictionary<string, byte[]> files)
        {
            int maxVarLength = version == NvsFormatVersion.Version1 ? 1984 : 3968;
            switch (random.Next(8))
            {
                case < 4:
                    string encoding = s_integers[random.Next(s_integers.Length)];
                    var type = NvsItemTypes.IntegerFromName(encoding)!.Value;
                    var (min, max) = NvsItemTypes.Range(type);
                    Int128 value = random.Next(4) switch
                    {
                        0 => min,
                        1 => max,
                        _ => min + (Int128)(random.NextDouble() * (double)(max - min)),
                    };
                    return ($"data,{encoding},{value}", new NvsInteger(type, value));

                case 4:
                    string s = RandomText(random, Length(random, maxVarLength - 1, bytesPerChar: 3));
                    if (random.Next(5) == 0)
                    {
                        string file = $"s{files.Count}.txt";
                        files[file] = Encoding.UTF8.GetBytes(s);
                        return ($"file,string,{file}", new NvsString(s));
                    }

                    return ($"data,string,{Quote(s)}", new NvsString(s));

                default:
                    byte[] bytes = new byte[Length(random, version == NvsFormatVersion.Version1 ? 1984 : 9000, 1)];
                    random.NextBytes(bytes);
                    return random.Next(6) switch
                    {
                        0 => ($"data,hex2bin,{(random.Next(2) == 0 ? Convert.ToHexStringLower(bytes) : Convert.ToHexString(bytes))}", new NvsBlob(bytes)),
                        1 => ($"data,base64,{Convert.ToBase64String(bytes)}", new NvsBlob(bytes)),
                        2 => ($"file,hex2bin,{File(files, Encoding.ASCII.GetBytes(Convert.ToHexString(bytes) + "\n"))}", new NvsBlob(bytes)),
                        3 => ($"file,base64,{File(files, Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks)))}", new NvsBlob(bytes)),
                        _ => ($"file,binary,{File(files, bytes)}", new NvsBlob(bytes)),
                    };
            }
        }

        private static int Length(Random random, int max, int bytesPerChar) => random.Next(4) switch
        {
            0 => random.Next(0, 40),
            1 => random.Next(0, 300),
            2 => random.Next(0, (max / bytesPerChar) + 1),
            _ => Math.Max(0, (max / bytesPerChar) - random.Next(0, 70)),
        };

        private static string RandomText(Random random, int length)
        {
            // Commas, quotes and newlines exercise the CSV quoting; no \r (normalised) and no # after a newline (a comment).
            const string alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,\"\n;:-_äö€";
            var text = new StringBuilder();
            while (text.Length < length)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            return text.ToString();
        }

        private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        private static string File(Dictionary<string, byte[]> files, byte[] bytes)
        {
            string name = $"f{files.Count}.bin";
            files[name] = bytes;
            return name;
        }
    }
}
