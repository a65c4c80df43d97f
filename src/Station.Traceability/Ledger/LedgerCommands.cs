using System.Data.Common;
using Station.Traceability.Csv;

namespace Station.Traceability.Ledger;

/// <summary>
/// The ledger's statements over one open connection, shared by both stores. The write operations
/// (<see cref="MigrateAsync"/>, <see cref="AllocateAsync"/>, <see cref="RecordOutcomeAsync"/>,
/// <see cref="ClaimMasterRowAsync"/>) expect the caller to have begun a write transaction and to commit
/// it afterwards; each first locks the one counter row it depends on, so writers of one product (or one
/// master source) run one after another and every read after the lock sees what the previous one committed.
/// </summary>
/// <param name="location">The store as <see cref="ISerialLedger.Location"/> names it, for messages.</param>
internal sealed class LedgerCommands(DbConnection connection, LedgerDialect dialect, string location)
{
    private const string EntryColumns = "product, seq, serial, mac, format, station_id, batch, allocated_at, outcome, outcome_record_id, outcome_station_id, outcome_at";
    private const string ClaimColumns = "source_id, data_row, mac, station_id, claimed_at";

    /// <summary>Brings the schema to the latest version; throws when the store was made by a newer station.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (dialect.MigrationLock is { } migrationLock)
        {
            await ExecuteAsync(migrationLock, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync("CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
        int version = Convert.ToInt32(await ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM ledger_schema", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (version > dialect.LatestVersion)
        {
            throw new LedgerException(LedgerErrorCodes.SchemaTooNew, $"The ledger at {location} has schema version {version}; this station knows up to {dialect.LatestVersion}. Update the station before it uses this ledger.");
        }

        for (int next = version + 1; next <= dialect.LatestVersion; next++)
        {
            foreach (string statement in dialect.Migrations[next - 1])
            {
                await ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
            }
        }

        if (version < dialect.LatestVersion)
        {
            await ExecuteAsync("DELETE FROM ledger_schema", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("INSERT INTO ledger_schema (version) VALUES (@version)", cancellationToken, ("@version", dialect.LatestVersion)).ConfigureAwait(false);
        }
    }

    public async Task<LedgerEntry?> FindAsync(string product, string mac, CancellationToken cancellationToken)
    {
        var entries = await ReadEntriesAsync($"SELECT {EntryColumns} FROM ledger_serials WHERE product = @product AND mac = @mac", cancellationToken, ("@product", product), ("@mac", mac)).ConfigureAwait(false);
        return entries.Count == 0 ? null : entries[0];
    }

    public Task<List<LedgerEntry>> ListAsync(string product, CancellationToken cancellationToken) =>
        ReadEntriesAsync($"SELECT {EntryColumns} FROM ledger_serials WHERE product = @product ORDER BY seq", cancellationToken, ("@product", product));

    /// <summary>In a write transaction: the MAC's binding, or the product's next number bound to it.</summary>
    public async Task<SerialAllocation> AllocateAsync(SerialRequest request, string mac, CancellationToken cancellationToken)
    {
        string product = request.Product;
        await ExecuteAsync("INSERT INTO ledger_products (product, last_seq) VALUES (@product, 0) ON CONFLICT (product) DO NOTHING", cancellationToken, ("@product", product)).ConfigureAwait(false);
        long lastSeq = Convert.ToInt64(await ScalarAsync(dialect.SelectCounterForUpdate, cancellationToken, ("@product", product)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

        // Checked again under the lock: another slot or station may have bound this MAC since the caller looked.
        if (await FindAsync(product, mac, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return new SerialAllocation(existing, Existing: true);
        }

        long highestSeq = Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM ledger_serials WHERE product = @product", cancellationToken, ("@product", product)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (highestSeq != lastSeq)
        {
            throw new LedgerException(LedgerErrorCodes.Damaged, $"The ledger at {location} counts {lastSeq} serials for product '{product}' but holds serials up to number {highestSeq}; it was changed outside the station. Nothing more is allocated for this product until it is repaired.");
        }

        long seq = lastSeq + 1;
        var at = LedgerDialect.Stored(request.At);
        string serial = request.Format.Render(seq, product, request.At);
        if (await FindHolderAsync(serial, cancellationToken).ConfigureAwait(false) is { } holder)
        {
            throw new LedgerException(LedgerErrorCodes.SerialTaken, $"Serial {serial} (number {seq} of product '{product}', format {request.Format.Text}) already belongs to {holder.Mac} of product '{holder.Product}'. Give each product a format that tells them apart, e.g. with {{product}}; nothing was allocated.");
        }

        await ExecuteAsync(
            "INSERT INTO ledger_serials (product, seq, serial, mac, format, station_id, batch, allocated_at) VALUES (@product, @seq, @serial, @mac, @format, @station, @batch, @at)",
            cancellationToken,
            ("@product", product),
            ("@seq", seq),
            ("@serial", serial),
            ("@mac", mac),
            ("@format", request.Format.Text),
            ("@station", request.StationId),
            ("@batch", request.Batch),
            ("@at", dialect.TimeValue(at))).ConfigureAwait(false);
        await ExecuteAsync("UPDATE ledger_products SET last_seq = @seq WHERE product = @product", cancellationToken, ("@seq", seq), ("@product", product)).ConfigureAwait(false);

        return new SerialAllocation(new LedgerEntry(product, seq, serial, mac, request.Format.Text, request.StationId, request.Batch, at, Outcome: null), Existing: false);
    }

    /// <summary>In a write transaction: the latest outcome, and the device data when given.</summary>
    public async Task RecordOutcomeAsync(UnitOutcome outcome, string mac, CancellationToken cancellationToken)
    {
        string product = outcome.Product;
        int updated = await ExecuteAsync(
            "UPDATE ledger_serials SET outcome = @outcome, outcome_record_id = @record, outcome_station_id = @station, outcome_at = @at WHERE product = @product AND mac = @mac",
            cancellationToken,
            ("@outcome", ResultCellConverter.ToCell(outcome.Result)),
            ("@record", outcome.RecordId),
            ("@station", outcome.StationId),
            ("@at", dialect.TimeValue(outcome.At)),
            ("@product", product),
            ("@mac", mac)).ConfigureAwait(false);
        if (updated == 0)
        {
            throw new LedgerException(LedgerErrorCodes.NotAllocated, $"{mac} has no serial of product '{product}' in the ledger at {location}, so its outcome ({outcome.RecordId}) cannot be recorded there; allocate the serial first.");
        }

        if (outcome.DeviceData is not { } data)
        {
            return;
        }

        await ExecuteAsync(
            """
            INSERT INTO ledger_device_data (product, mac, record_id, recorded_at, nvs_offset, nvs_size, nvs_sha256, nvs_md5, values_json, efuse_before, efuse_after, nvs_image)
            VALUES (@product, @mac, @record, @at, @offset, @size, @sha256, @md5, @values, @before, @after, @image)
            ON CONFLICT (product, mac) DO UPDATE SET
                record_id = excluded.record_id, recorded_at = excluded.recorded_at, nvs_offset = excluded.nvs_offset, nvs_size = excluded.nvs_size,
                nvs_sha256 = excluded.nvs_sha256, nvs_md5 = excluded.nvs_md5, values_json = excluded.values_json,
                efuse_before = excluded.efuse_before, efuse_after = excluded.efuse_after, nvs_image = excluded.nvs_image
            """,
            cancellationToken,
            ("@product", product),
            ("@mac", mac),
            ("@record", outcome.RecordId),
            ("@at", dialect.TimeValue(outcome.At)),
            ("@offset", (long)data.NvsOffset),
            ("@size", (long)data.NvsSize),
            ("@sha256", data.NvsSha256.ToLowerInvariant()),
            ("@md5", data.NvsMd5.ToLowerInvariant()),
            ("@values", data.ValuesJson),
            ("@before", data.EfuseBefore),
            ("@after", data.EfuseAfter),
            ("@image", data.NvsImage.ToArray())).ConfigureAwait(false);
    }

    public async Task<LedgerDeviceData?> FindDeviceDataAsync(string product, string mac, CancellationToken cancellationToken)
    {
        await using var command = Command(
            "SELECT nvs_offset, nvs_size, nvs_sha256, nvs_md5, values_json, efuse_before, efuse_after, nvs_image FROM ledger_device_data WHERE product = @product AND mac = @mac",
            ("@product", product),
            ("@mac", mac));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new LedgerDeviceData(
            checked((uint)Int64At(reader, 0)),
            checked((uint)Int64At(reader, 1)),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            StringOrNull(reader, 5),
            StringOrNull(reader, 6),
            (byte[])reader.GetValue(7));
    }

    /// <summary>In a write transaction: the MAC's row of the source, or the lowest unused one.</summary>
    public async Task<MasterRowClaim> ClaimMasterRowAsync(MasterRowRequest request, string mac, CancellationToken cancellationToken)
    {
        await ExecuteAsync("INSERT INTO ledger_master_sources (source_id, row_count) VALUES (@source, @count) ON CONFLICT (source_id) DO NOTHING", cancellationToken, ("@source", request.SourceId), ("@count", request.RowCount)).ConfigureAwait(false);
        int rowCount = Convert.ToInt32(await ScalarAsync(dialect.SelectMasterSourceForUpdate, cancellationToken, ("@source", request.SourceId)).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (rowCount != request.RowCount)
        {
            throw new LedgerException(LedgerErrorCodes.MasterRowCountChanged, $"Master values source '{request.SourceId}' was first claimed with {rowCount} rows, now with {request.RowCount}; an edited master CSV needs its own source id (its SHA-256 changes).");
        }

        if (await FindClaimAsync(request.SourceId, mac, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing with { Existing = true };
        }

        // The lowest row with no claim: 1, or the first one after a claimed row whose successor is free.
        int row = Convert.ToInt32(
            await ScalarAsync(
                """
                SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM ledger_master_rows WHERE source_id = @source AND data_row = 1) THEN 1
                ELSE (SELECT MIN(r.data_row) + 1 FROM ledger_master_rows r WHERE r.source_id = @source
                      AND NOT EXISTS (SELECT 1 FROM ledger_master_rows n WHERE n.source_id = @source AND n.data_row = r.data_row + 1)) END
                """,
                cancellationToken,
                ("@source", request.SourceId)).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture);
        if (row > rowCount)
        {
            throw new LedgerException(LedgerErrorCodes.MasterRowsExhausted, $"All {rowCount} rows of master values source '{request.SourceId}' are taken; {mac} got none. Load a master CSV with fresh rows.");
        }

        var at = LedgerDialect.Stored(request.At);
        await ExecuteAsync(
            "INSERT INTO ledger_master_rows (source_id, data_row, mac, station_id, claimed_at) VALUES (@source, @row, @mac, @station, @at)",
            cancellationToken,
            ("@source", request.SourceId),
            ("@row", row),
            ("@mac", mac),
            ("@station", request.StationId),
            ("@at", dialect.TimeValue(at))).ConfigureAwait(false);
        return new MasterRowClaim(request.SourceId, row, mac, request.StationId, at, Existing: false);
    }

    public async Task<MasterRowClaim?> FindClaimAsync(string sourceId, string mac, CancellationToken cancellationToken)
    {
        var claims = await ReadClaimsAsync($"SELECT {ClaimColumns} FROM ledger_master_rows WHERE source_id = @source AND mac = @mac", cancellationToken, ("@source", sourceId), ("@mac", mac)).ConfigureAwait(false);
        return claims.Count == 0 ? null : claims[0];
    }

    public Task<List<MasterRowClaim>> ListClaimsAsync(string sourceId, CancellationToken cancellationToken) =>
        ReadClaimsAsync($"SELECT {ClaimColumns} FROM ledger_master_rows WHERE source_id = @source ORDER BY data_row", cancellationToken, ("@source", sourceId));

    private async Task<(string Product, string Mac)?> FindHolderAsync(string serial, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT product, mac FROM ledger_serials WHERE serial = @serial", ("@serial", serial));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    private async Task<List<LedgerEntry>> ReadEntriesAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<LedgerEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            LatestOutcome? outcome = null;
            if (!reader.IsDBNull(8))
            {
                string text = reader.GetString(8);
                outcome = new LatestOutcome(
                    ResultCellConverter.TryParse(text, out var result) ? result : throw new LedgerException(LedgerErrorCodes.Damaged, $"The ledger holds an unknown outcome '{text}'."),
                    reader.GetString(9),
                    reader.GetString(10),
                    dialect.ReadTime(reader, 11));
            }

            entries.Add(new LedgerEntry(
                reader.GetString(0),
                Int64At(reader, 1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                dialect.ReadTime(reader, 7),
                outcome));
        }

        return entries;
    }

    private async Task<List<MasterRowClaim>> ReadClaimsAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claims = new List<MasterRowClaim>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claims.Add(new MasterRowClaim(reader.GetString(0), checked((int)Int64At(reader, 1)), reader.GetString(2), reader.GetString(3), dialect.ReadTime(reader, 4), Existing: false));
        }

        return claims;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    // SQLite gives back every integer as Int64, PostgreSQL as the column's own width.
    private static long Int64At(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
