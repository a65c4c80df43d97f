namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// Turns CSV rows into items in CSV order (nvs-format.md §7.1, §10), collecting every error with its line.
/// Where the generator silently writes something wrong (data before any namespace, a repeated namespace,
/// non-ASCII keys) this refuses, as nvs-format.md advises.
/// </summary>
internal static class NvsCsvRowInterpreter
{
    public static NvsCsvDocument ToItems(IReadOnlyList<NvsCsvRow> rows, NvsCsvOptions options)
    {
        var errors = new List<NvsError>();
        var items = new List<NvsItem>();
        var lines = new List<int>();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var wifi = new WifiMagicKeys();
        string? current = null;

        foreach (var row in rows)
        {
            void Fail(NvsError error) => errors.Add(error with { Line = row.Line });

            void Add(NvsItem item)
            {
                items.Add(item);
                lines.Add(row.Line);
            }

            string key = row.Key ?? "";

            // The generator checks the length of every row's key first, namespace rows included.
            if (NvsEntryRules.CheckKey(key) is { Code: NvsErrorCodes.KeyTooLong } tooLong)
            {
                Fail(tooLong);
                continue;
            }

            if (NvsCsvRowKinds.Classify(row.Type) is not { } kind)
            {
                Fail(new NvsError(
                    NvsErrorCodes.UnknownType,
                    $"Row `{key}` has type `{row.Type}`. ESP-IDF's generator matches `namespace` and `file` exactly and would treat this row as plain data; write the type in lower case without spaces."));
                continue;
            }

            if (WifiMagicKeys.IsMagic(key) && kind != NvsCsvRowKind.Data)
            {
                Fail(new NvsError(NvsErrorCodes.WifiKeyShape, $"`{key}` is a Wi-Fi key that ESP-IDF's generator handles specially and reads as inline data; give it as a data row, not {row.Type}."));
                continue;
            }

            if (kind == NvsCsvRowKind.Namespace)
            {
                if (NvsEntryRules.CheckKey(key) is { } nameError)
                {
                    Fail(nameError);
                }
                else if (!declared.Add(key))
                {
                    Fail(Writing.NvsItemPlan.Repeated(key));
                }
                else
                {
                    Add(new NvsNamespace(key));
                    current = key;
                }

                continue;
            }

            foreach (var (extraKey, extra) in wifi.Before(key, row.Value))
            {
                if (current is not null)
                {
                    Add(new NvsEntry(current, extraKey, extra));
                }
            }

            var value = DecodeValue(row, kind, key, options, Fail);
            if (value is null)
            {
                continue;
            }

            if ((NvsEntryRules.CheckKey(key) ?? NvsEntryRules.CheckValue(key, value, options.Version)) is { } entryError)
            {
                Fail(entryError);
                continue;
            }

            if (current is null)
            {
                Fail(new NvsError(
                    NvsErrorCodes.NamespaceMissing,
                    $"`{key}` comes before any namespace row. ESP-IDF's generator would write it with namespace index 0, which the firmware reads as a namespace definition (nvs-format.md §7.1); put a namespace row first."));
                continue;
            }

            Add(new NvsEntry(current, key, value));
            foreach (var (extraKey, extra) in wifi.After(key))
            {
                Add(new NvsEntry(current, extraKey, extra));
            }
        }

        return errors.Count > 0 ? throw new NvsException(errors) : new NvsCsvDocument(items, lines);
    }

    private static NvsValue? DecodeValue(NvsCsvRow row, NvsCsvRowKind kind, string key, NvsCsvOptions options, Action<NvsError> fail)
    {
        if (row.Encoding is null)
        {
            fail(new NvsError(NvsErrorCodes.CsvMissingColumn, $"Row `{key}` has no encoding column; rows are key,type,encoding,value."));
            return null;
        }

        if (row.Value is null)
        {
            fail(new NvsError(NvsErrorCodes.CsvMissingColumn, $"Row `{key}` has no value column; rows are key,type,encoding,value."));
            return null;
        }

        NvsCsvValueDecoder.OneOf value;
        if (kind == NvsCsvRowKind.File)
        {
            if (ReadFile(row.Value, options, fail) is not { } bytes)
            {
                return null;
            }

            value = NvsCsvValueDecoder.OneOf.FromFile(bytes);
        }
        else
        {
            value = NvsCsvValueDecoder.OneOf.FromText(row.Value);
        }

        try
        {
            return NvsCsvValueDecoder.Decode(key, row.Encoding, value);
        }
        catch (NvsException e)
        {
            foreach (var error in e.Errors)
            {
                fail(error);
            }

            return null;
        }
    }

    private static byte[]? ReadFile(string path, NvsCsvOptions options, Action<NvsError> fail)
    {
        if (options.ReadFile is null)
        {
            fail(new NvsError(NvsErrorCodes.FileUnreadable, $"The row names the file '{path}', but no file reader was given."));
            return null;
        }

        try
        {
            return options.ReadFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            fail(new NvsError(NvsErrorCodes.FileUnreadable, $"FileNotFoundError: [Errno 2] No such file or directory: '{path}' ({e.Message})"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            fail(new NvsError(NvsErrorCodes.FileUnreadable, $"Cannot read '{path}': {e.Message}"));
        }

        return null;
    }
}
