using System.Text;
using Station.DeviceData.MassManufacturing;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Csv;
using Station.Testing.Fuzz;

namespace Station.DeviceData.Tests.Fuzz;

/// <summary>
/// The generator CSV reader and the mass-manufacturing config and values readers fed damaged files: they return
/// a result or an <see cref="NvsException"/> whose every error names a line of the input, nothing else, never hanging.
/// </summary>
public class NvsCsvFuzzTests
{
    private static readonly Lazy<string[]> GeneratorCsvs = new(() =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Vectors"), "*.csv").Order(StringComparer.Ordinal).Select(File.ReadAllText)]);

    private static readonly NvsCsvOptions Options = new(ReadFile: path => path == "data.bin"
        ? [1, 2, 3]
        : throw new FileNotFoundException("not among the test's files", path));

    [Fact]
    public void Read_MutatedGeneratorCsv_GivesItemsOrErrorsAtLinesOfTheFile()
    {
        FuzzCases.Run(8001, 1500, random => CsvTextMutator.Mutate(random, GeneratorCsvs.Value[random.Next(GeneratorCsvs.Value.Length)]), input =>
        {
            int lines = LineCount(input.Text);
            try
            {
                var document = NvsCsvReader.Read(input.Text, Options);
                Assert.Equal(document.Items.Count, document.Lines.Count);
                Assert.All(document.Lines, line => Assert.InRange(line, 1, lines));
            }
            catch (NvsException e)
            {
                AssertLines(e, lines);
            }
        }, Describe);
    }

    [Fact]
    public void Read_MutatedGeneratorCsvBytes_GivesItemsOrErrorsAtLinesOfTheFile()
    {
        FuzzCases.Run(8002, 500, random =>
        {
            var text = CsvTextMutator.Mutate(random, GeneratorCsvs.Value[random.Next(GeneratorCsvs.Value.Length)]);
            byte[] bytes = Encoding.UTF8.GetBytes(text.Text);
            int at = random.Next(bytes.Length + 1);
            byte[] bad = random.Next(2) == 0 ? [0xFF] : [0xE2, 0x82];   // not UTF-8: a stray byte, a cut sequence
            return (Text: text with { Description = text.Description + $"; bytes {Convert.ToHexString(bad)} at {at}" }, Bytes: (byte[])[.. bytes[..at], .. bad, .. bytes[at..]]);
        }, input =>
        {
            var e = Assert.Throws<NvsException>(() => NvsCsvReader.Read(input.Bytes, Options));
            AssertLines(e, input.Bytes.Count(b => b == (byte)'\n') + 1);
        }, input => Describe(input.Text));
    }

    [Fact]
    public void MassManufacturing_MutatedConfigAndValues_GiveDevicesOrErrorsThatSayWhere()
    {
        string config = "device,namespace,\nserial,data,string\nhw_rev,data,u8\nsecret,data,hex2bin\nwifi,namespace,\npsk,data,string,REPEAT\ncountry,data,string\n";
        string values = "id,serial,hw_rev,secret,psk,country\n1,SN-1,3,0a0b,pass-1,FR\n2,SN-2,4,0c0d,pass-2,NL\n3,SN-3,5,0e0f,pass-3,DE\n";

        FuzzCases.Run(8003, 1500, random =>
        {
            bool both = random.Next(4) == 0;
            bool configSide = both || random.Next(2) == 0;
            var c = configSide ? CsvTextMutator.Mutate(random, config) : new CsvText("config intact", config);
            var v = !configSide || both ? CsvTextMutator.Mutate(random, values) : new CsvText("values intact", values);
            return (Config: c, Values: v, FileId: random.Next(4) == 0 ? "id" : null);
        }, input =>
        {
            try
            {
                var parsedConfig = MfgConfig.Parse(input.Config.Text, "config.csv");
                var parsedValues = MfgValues.Parse(input.Values.Text, "values.csv");
                foreach (var device in MfgBatch.Devices(parsedConfig, parsedValues, input.FileId))
                {
                    try
                    {
                        _ = device.ToDocument(new NvsCsvOptions());
                    }
                    catch (NvsException e)
                    {
                        // Located by device: the values line and, for a key's value, the config line.
                        Assert.All(e.Errors, error => Assert.Contains($"(values line {device.ValuesLine})", error.Message, StringComparison.Ordinal));
                    }
                }
            }
            catch (NvsException e)
            {
                Assert.All(e.Errors, error =>
                {
                    if (error.Line is int line)
                    {
                        // Each error points into the file it is about.
                        string file = error.Code == NvsErrorCodes.MfgValues ? input.Values.Text
                            : error.Code is NvsErrorCodes.MfgConfig or NvsErrorCodes.MfgKeyMissing ? input.Config.Text
                            : input.Config.Text.Length > input.Values.Text.Length ? input.Config.Text : input.Values.Text;
                        Assert.InRange(line, 1, LineCount(file));
                    }
                    else
                    {
                        // Only whole-file problems have no line.
                        Assert.Matches("is empty|target_file_identifier", error.Message);
                    }
                });
            }
        }, input => $"config: {input.Config.Description}{Environment.NewLine}{CsvTextMutator.Escape(Short(input.Config.Text))}{Environment.NewLine}values: {input.Values.Description}{Environment.NewLine}{CsvTextMutator.Escape(Short(input.Values.Text))}");
    }

    private static void AssertLines(NvsException e, int lines)
    {
        Assert.NotEmpty(e.Errors);
        Assert.All(e.Errors, error =>
        {
            Assert.NotNull(error.Line);
            Assert.InRange(error.Line.Value, 1, lines);
        });
    }

    /// <summary>Lines as the readers count them: \r\n, \r and \n each end one.</summary>
    private static int LineCount(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Count(c => c is '\n' or '\r') + 1;

    private static string Describe(CsvText input) => $"{input.Description}{Environment.NewLine}{CsvTextMutator.Escape(Short(input.Text))}";

    private static string Short(string text) => text.Length <= 3000 ? text : text[..3000] + "...";
}
