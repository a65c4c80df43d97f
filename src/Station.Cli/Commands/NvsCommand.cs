using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Station.Cli.Options;
using Station.DeviceData.Nvs;
using Station.DeviceData.Nvs.Reading;

namespace Station.Cli.Commands;

/// <summary>
/// <c>station nvs</c>: build an NVS partition image from an ESP-IDF generator CSV, byte for byte as
/// <c>nvs_partition_gen generate</c> does, and dump any NVS image with every check the reader makes.
/// Bad CSV input exits with the usage code (2), each error with its CSV line.
/// </summary>
public static class NvsCommand
{
    private const int PreviewBytes = 16;
    private const int PreviewChars = 60;

    public static Command Create(CommandContext context) => new("nvs", "Build and inspect ESP-IDF NVS partition images")
    {
        CreateGenerate(context),
        CreateDump(context),
    };

    private static Command CreateGenerate(CommandContext context)
    {
        var csv = new Argument<string>("CSV") { Description = "ESP-IDF partition-generator CSV: key,type,encoding,value" };
        var output = new Argument<string>("OUT") { Description = "Where to write the image" };
        var size = new Argument<string>("SIZE") { Description = "Partition size, a multiple of 4096: 0x6000, 24K, 24576" };
        var version = new Option<int>("--version") { Description = "NVS format version: 2 (multi-page blobs, default) or 1", DefaultValueFactory = _ => 2 };
        var pad = new Option<bool>("--pad-read-only")
        {
            Description = "For sizes below 0x3000 (read-only), write the full size; ESP-IDF's generator writes only the used pages",
        };
        var command = new Command(
            "generate",
            "Build an NVS partition image from a CSV, byte-identical to ESP-IDF's nvs_partition_gen, and read it back before writing it. "
            + "Files named by 'file' rows are found relative to the current directory, as ESP-IDF's generator does.")
        {
            csv, output, size, version, pad,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            string csvPath = result.GetValue(csv)!;
            string outPath = result.GetValue(output)!;
            string sizeText = result.GetValue(size)!;
            long bytes = Numbers.TryParseSize(sizeText, out uint s) ? s : throw new UsageException($"'{sizeText}' is not a size (e.g. 0x6000, 24K, 24576).");
            int versionNumber = result.GetValue(version);
            var formatVersion = versionNumber is 1 or 2 ? NvsFormatVersions.FromNumber(versionNumber) : throw new UsageException($"--version {versionNumber}: NVS format version is 1 or 2.");
            byte[] csvBytes = await ReadInputAsync(csvPath, "CSV", token);

            NvsGeneratedImage generated;
            try
            {
                await context.Out.WriteLineAsync($"Creating NVS binary with version: {NvsFormatVersions.Banner(formatVersion)}");
                generated = NvsGenerator.Generate(csvBytes, new NvsWriteOptions(bytes, formatVersion, result.GetValue(pad)), path => ReadDataFile(path, csvPath));
            }
            catch (NvsException e)
            {
                foreach (var error in e.Errors)
                {
                    await context.Error.WriteLineAsync(error.Line is int line ? $"{csvPath}:{line}: {error.Message} [{error.Code}]" : $"{error.Message} [{error.Code}]");
                }

                await context.Error.WriteLineAsync($"NVS binary not created: {e.Errors.Count} error{(e.Errors.Count == 1 ? "" : "s")}.");
                RemoveStale(outPath);
                return ExitCodes.Usage;
            }
            catch (InvalidOperationException e)
            {
                await context.Error.WriteLineAsync($"NVS binary not created: {e.Message}");
                RemoveStale(outPath);
                return ExitCodes.Unexpected;
            }

            foreach (string notice in generated.Notices)
            {
                await context.Out.WriteLineAsync(notice);
            }

            await WriteAtomicallyAsync(outPath, generated.Image.Bytes, token);
            var image = generated.Image;
            int entries = generated.Document.Items.OfType<NvsEntry>().Count();
            int namespaces = NvsImageVerifier.WithDeclarations(generated.Document.Items).OfType<NvsNamespace>().Count();
            await context.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Created NVS binary: ===> {outPath} ({image.Bytes.Length} bytes; {image.PagesUsed} of {image.Size.DataPages} data pages used; {entries} entr{(entries == 1 ? "y" : "ies")} in {namespaces} namespace{(namespaces == 1 ? "" : "s")}; read back and verified)"));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command CreateDump(CommandContext context)
    {
        var file = new Argument<string>("FILE") { Description = "An NVS partition image (generated, or read from a device)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var offset = new Option<string?>("--offset") { Description = "Read the partition at this offset of FILE (a whole flash dump), e.g. 0x9000" };
        var size = new Option<string?>("--size") { Description = "The partition's size when --offset is given, e.g. 0x6000 (default: to the end of FILE)" };
        var command = new Command(
            "dump",
            "Show every page (state, sequence, version, header CRC) and every item (namespace, key, type, value, span, CRC verdicts), "
            + "the entries they make, and every problem found. Exit code 0 when the image has no problem, 2 when it has.")
        {
            file, json, offset, size,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            string path = result.GetValue(file)!;
            byte[] image = Slice(await ReadInputAsync(path, "image", token), result.GetValue(offset), result.GetValue(size));
            var partition = NvsReader.Read(image);
            await context.Out.WriteAsync(result.GetValue(json) ? DumpJson(path, image.Length, partition) : DumpText(path, image.Length, partition));
            return partition.IsValid ? ExitCodes.Success : ExitCodes.Usage;
        }, ct));
        return command;
    }

    /// <summary>The partition inside a whole flash dump, so QA can check a unit's NVS without cutting files by hand.</summary>
    private static byte[] Slice(byte[] file, string? offsetText, string? sizeText)
    {
        if (offsetText is null)
        {
            return sizeText is null ? file : throw new UsageException("--size needs --offset.");
        }

        if (!Numbers.TryParseAddress(offsetText, out uint start) || start > file.Length)
        {
            throw new UsageException($"--offset '{offsetText}' is not an offset inside the {file.Length}-byte file.");
        }

        uint length = (uint)file.Length - start;
        if (sizeText is not null && (!Numbers.TryParseSize(sizeText, out length) || (long)start + length > file.Length))
        {
            throw new UsageException($"--size '{sizeText}' does not fit in the {file.Length}-byte file after offset 0x{start:X}.");
        }

        return file.AsSpan((int)start, (int)length).ToArray();
    }

    /// <summary>
    /// A failed run leaves no image at OUT (as ESP-IDF's generator deletes its output after an input error):
    /// an older image left there would be flashed as if it were this CSV's.
    /// </summary>
    private static void RemoveStale(string outPath)
    {
        try
        {
            File.Delete(outPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reported by the caller's message already; the image was not written.
        }
    }

    private static async Task<byte[]> ReadInputAsync(string path, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read the {what} '{path}': {e.Message}");
        }
    }

    /// <summary>A file row's path, relative to the current directory as in ESP-IDF's generator (nvs-format.md §10).</summary>
    private static byte[] ReadDataFile(string path, string csvPath)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            string besideCsv = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath))!, path));
            string hint = !Path.IsPathRooted(path) && File.Exists(besideCsv)
                ? $"; relative paths start from the current directory, as in ESP-IDF's generator, and the file is at {besideCsv}: run from the CSV's folder"
                : "";
            throw new FileNotFoundException($"looked for {full}{hint}", full);
        }

        return File.ReadAllBytes(full);
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, full, overwrite: true);
    }

    private static string DumpText(string path, int length, NvsPartition partition)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{path}: {length} bytes, {partition.Pages.Count} page{(partition.Pages.Count == 1 ? "" : "s")}");
        foreach (var page in partition.Pages)
        {
            if (page.IsUninitialized)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"page {page.Index}: erased (state FFFFFFFF)");
                continue;
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"page {page.Index}: {StateName(page)}  seq {page.Sequence}  version {VersionName(page)}  header CRC 0x{page.StoredHeaderCrc:X8} {(page.HeaderCrcOk ? "ok" : $"BAD (computed 0x{page.ComputedHeaderCrc:X8})")}  entries: {page.Count(NvsEntryState.Written)} written, {page.Count(NvsEntryState.Empty)} empty, {page.Count(NvsEntryState.Erased)} erased{(page.Count(NvsEntryState.Illegal) > 0 ? $", {page.Count(NvsEntryState.Illegal)} illegal" : "")}");
            if (page.Items.Count > 0)
            {
                text.AppendLine("  entry span  ns                    type        key               value");
            }

            foreach (var item in page.Items)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {item.Entry,5} {item.Header.Span,4}  {NamespaceColumn(item),-20}  {TypeName(item),-10}  {Quoted(item.Header.Key),-16}  {ValueText(item)}{Verdicts(item)}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"entries ({partition.Entries.Count}):");
        foreach (var located in partition.Entries)
        {
            var entry = located.Entry;
            text.AppendLine(CultureInfo.InvariantCulture, $"  {entry.Namespace}/{entry.Key}  {entry.Value.TypeName}  {Describe(entry.Value)}");
        }

        if (partition.Problems.Count == 0)
        {
            text.AppendLine("problems: none");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"problems ({partition.Problems.Count}):");
            foreach (var problem in partition.Problems)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {problem} [{problem.Code}]");
            }
        }

        return text.ToString();
    }

    private static string StateName(NvsPageReport page) => page.State?.ToString().ToUpperInvariant() ?? $"state 0x{page.RawState:X8} (unknown)";

    private static string VersionName(NvsPageReport page) => page.Version is { } v ? $"{NvsFormatVersions.Number(v)}" : $"0x{page.VersionByte:X2} (unknown)";

    private static string NamespaceColumn(NvsStoredItem item) => item.Header.NamespaceIndex == 0
        ? "0"
        : $"{item.Header.NamespaceIndex} {item.Namespace ?? "(undefined)"}";

    private static string TypeName(NvsStoredItem item) => item.IsNamespaceDefinition ? "namespace" : NvsItemTypes.Name(item.Header.Type);

    private static string ValueText(NvsStoredItem item)
    {
        if (!item.HeaderCrcOk)
        {
            return "?";
        }

        var header = item.Header;
        if (item.IsNamespaceDefinition)
        {
            return $"index {header.Data[0]}";
        }

        return header.Type switch
        {
            NvsItemType.BlobIndex => $"{header.BlobIndexSize} bytes in {header.BlobIndexChunkCount} chunk(s) from {header.BlobIndexChunkStart}",
            NvsItemType.BlobData => $"chunk {header.ChunkIndex}: {(item.Value is { } chunk ? Describe(chunk) : $"{header.VarLengthSize} bytes")}",
            _ => item.Value is { } value ? Describe(value) : $"({header.VarLengthSize} bytes)",
        };
    }

    private static string Verdicts(NvsStoredItem item) => !item.HeaderCrcOk
        ? $"  header CRC BAD (0x{item.Header.StoredCrc:X8}, computed 0x{item.Header.ComputedCrc:X8})"
        : item.DataCrcOk == false ? "  data CRC BAD" : "";

    private static string Describe(NvsValue value) => value switch
    {
        NvsInteger integer => integer.Value.ToString(CultureInfo.InvariantCulture),
        NvsString s => s.Text.Length > PreviewChars ? $"{Quoted(s.Text[..PreviewChars])}… ({s.StoredSize} bytes)" : Quoted(s.Text),
        NvsBlob blob => $"{blob.Length} bytes{(blob.Length > 0 ? ": " + Convert.ToHexStringLower(blob.Bytes.Span[..Math.Min(blob.Length, PreviewBytes)]) + (blob.Length > PreviewBytes ? "…" : "") : "")}",
        _ => value.ToString(),
    };

    private static string Quoted(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' or (char)0x7F => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    private static string DumpJson(string path, int length, NvsPartition partition)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("file", Path.GetFullPath(path));
            json.WriteNumber("bytes", length);
            json.WriteBoolean("valid", partition.IsValid);
            json.WriteStartArray("pages");
            foreach (var page in partition.Pages)
            {
                WritePage(json, page);
            }

            json.WriteEndArray();
            json.WriteStartArray("entries");
            foreach (var located in partition.Entries)
            {
                json.WriteStartObject();
                json.WriteString("namespace", located.Entry.Namespace);
                json.WriteString("key", located.Entry.Key);
                json.WriteString("type", located.Entry.Value.TypeName);
                WriteValue(json, located.Entry.Value);
                json.WriteNumber("page", located.Page);
                json.WriteNumber("entry", located.Slot);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("problems");
            foreach (var problem in partition.Problems)
            {
                json.WriteStartObject();
                WriteNumberOrNull(json, "page", problem.Page);
                WriteNumberOrNull(json, "entry", problem.Entry);
                json.WriteString("code", problem.Code);
                json.WriteString("message", problem.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WritePage(Utf8JsonWriter json, NvsPageReport page)
    {
        json.WriteStartObject();
        json.WriteNumber("index", page.Index);
        json.WriteString("state", page.IsUninitialized ? "UNINITIALIZED" : page.State?.ToString().ToUpperInvariant() ?? "UNKNOWN");
        json.WriteString("stateValue", $"0x{page.RawState:X8}");
        if (!page.IsUninitialized)
        {
            json.WriteNumber("sequence", page.Sequence);
            WriteNumberOrNull(json, "version", page.Version is { } v ? NvsFormatVersions.Number(v) : null);
            json.WriteString("versionByte", $"0x{page.VersionByte:X2}");
            json.WriteStartObject("headerCrc");
            json.WriteString("stored", $"0x{page.StoredHeaderCrc:X8}");
            json.WriteString("computed", $"0x{page.ComputedHeaderCrc:X8}");
            json.WriteBoolean("ok", page.HeaderCrcOk);
            json.WriteEndObject();
        }

        json.WriteStartObject("entryStates");
        json.WriteNumber("written", page.Count(NvsEntryState.Written));
        json.WriteNumber("empty", page.Count(NvsEntryState.Empty));
        json.WriteNumber("erased", page.Count(NvsEntryState.Erased));
        json.WriteNumber("illegal", page.Count(NvsEntryState.Illegal));
        json.WriteEndObject();

        // One letter per entry 0..125: W written, E empty, X erased, ! the illegal 01.
        json.WriteString("entryStateMap", string.Concat(page.EntryStates.Select(state => state switch
        {
            NvsEntryState.Written => 'W',
            NvsEntryState.Empty => 'E',
            NvsEntryState.Erased => 'X',
            _ => '!',
        })));
        json.WriteStartArray("items");
        foreach (var item in page.Items)
        {
            WriteItem(json, item);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteItem(Utf8JsonWriter json, NvsStoredItem item)
    {
        var header = item.Header;
        json.WriteStartObject();
        json.WriteNumber("entry", item.Entry);
        json.WriteString("state", "WRITTEN");
        json.WriteNumber("span", header.Span);
        json.WriteNumber("namespaceIndex", header.NamespaceIndex);
        if (item.Namespace is null)
        {
            json.WriteNull("namespace");
        }
        else
        {
            json.WriteString("namespace", item.Namespace);
        }

        json.WriteString("type", TypeName(item));
        json.WriteString("typeByte", $"0x{header.TypeByte:X2}");
        json.WriteString("key", header.Key);
        WriteNumberOrNull(json, "chunkIndex", header.ChunkIndex == NvsItemHeader.ChunkAny ? null : header.ChunkIndex);
        json.WriteBoolean("headerCrcOk", item.HeaderCrcOk);
        if (item.DataCrcOk is bool dataOk)
        {
            json.WriteBoolean("dataCrcOk", dataOk);
        }
        else
        {
            json.WriteNull("dataCrcOk");
        }

        if (item.HeaderCrcOk && item.IsNamespaceDefinition)
        {
            json.WriteNumber("value", header.Data[0]);
        }
        else if (item.HeaderCrcOk && header.Type == NvsItemType.BlobIndex)
        {
            json.WriteStartObject("value");
            json.WriteNumber("size", header.BlobIndexSize);
            json.WriteNumber("chunkCount", header.BlobIndexChunkCount);
            json.WriteNumber("chunkStart", header.BlobIndexChunkStart);
            json.WriteEndObject();
        }
        else if (item.Value is { } value)
        {
            WriteValue(json, value);
        }

        json.WriteEndObject();
    }

    /// <summary>Integers as JSON numbers (exact, even for u64), strings as text, blobs as hex with their size.</summary>
    private static void WriteValue(Utf8JsonWriter json, NvsValue value)
    {
        switch (value)
        {
            case NvsInteger integer:
                json.WritePropertyName("value");
                json.WriteRawValue(integer.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case NvsString s:
                json.WriteString("value", s.Text);
                json.WriteNumber("size", s.StoredSize);
                break;
            case NvsBlob blob:
                json.WriteString("value", Convert.ToHexStringLower(blob.Bytes.Span));
                json.WriteNumber("size", blob.Length);
                break;
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is int number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
