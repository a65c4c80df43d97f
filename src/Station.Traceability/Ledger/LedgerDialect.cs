using System.Data.Common;
using System.Globalization;

namespace Station.Traceability.Ledger;

/// <summary>
/// Where the two stores differ: column types, how a write transaction locks the counter it reads,
/// how times are stored. Everything else (statements, rules, order of steps) is shared in
/// <see cref="LedgerCommands"/> so both stores keep the same promises.
/// </summary>
internal abstract class LedgerDialect
{
    /// <summary>The schema, one list of statements per version: entry <c>v - 1</c> brings version <c>v - 1</c> to <c>v</c>.</summary>
    public abstract IReadOnlyList<IReadOnlyList<string>> Migrations { get; }

    /// <summary>Reads a product's counter row inside a write transaction so that no other writer can read it until commit.</summary>
    public abstract string SelectCounterForUpdate { get; }

    /// <summary>Reads a master source's row inside a write transaction, locked like <see cref="SelectCounterForUpdate"/>.</summary>
    public abstract string SelectMasterSourceForUpdate { get; }

    /// <summary>Run first in the migration transaction (before any table exists) to keep two stations from migrating at once; null where the transaction already does.</summary>
    public abstract string? MigrationLock { get; }

    public int LatestVersion => Migrations.Count;

    public abstract object TimeValue(DateTimeOffset at);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Times are kept in UTC to the millisecond, the precision of the record files, so both stores give back the same value.</summary>
    public static DateTimeOffset Stored(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}

/// <summary>SQLite: STRICT tables, times as ISO-8601 text; a <c>BEGIN IMMEDIATE</c> transaction already holds the only write lock.</summary>
internal sealed class SqliteDialect : LedgerDialect
{
    public static readonly SqliteDialect Instance = new();

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    public override IReadOnlyList<IReadOnlyList<string>> Migrations { get; } =
    [
        [
            """
            CREATE TABLE ledger_products (
                product TEXT NOT NULL PRIMARY KEY,
                last_seq INTEGER NOT NULL CHECK (last_seq >= 0)
            ) STRICT
            """,
            """
            CREATE TABLE ledger_serials (
                product TEXT NOT NULL REFERENCES ledger_products (product),
                seq INTEGER NOT NULL CHECK (seq >= 1),
                serial TEXT NOT NULL,
                mac TEXT NOT NULL,
                format TEXT NOT NULL,
                station_id TEXT NOT NULL,
                batch TEXT NOT NULL,
                allocated_at TEXT NOT NULL,
                outcome TEXT CHECK (outcome IN ('PASS', 'FAIL', 'INTERRUPTED')),
                outcome_record_id TEXT,
                outcome_station_id TEXT,
                outcome_at TEXT,
                CONSTRAINT ledger_serials_product_seq PRIMARY KEY (product, seq),
                CONSTRAINT ledger_serials_product_mac UNIQUE (product, mac),
                CONSTRAINT ledger_serials_serial UNIQUE (serial)
            ) STRICT
            """,
            """
            CREATE TABLE ledger_device_data (
                product TEXT NOT NULL,
                mac TEXT NOT NULL,
                record_id TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                nvs_offset INTEGER NOT NULL,
                nvs_size INTEGER NOT NULL,
                nvs_sha256 TEXT NOT NULL,
                nvs_md5 TEXT NOT NULL,
                values_json TEXT NOT NULL,
                efuse_before TEXT,
                efuse_after TEXT,
                nvs_image BLOB NOT NULL,
                PRIMARY KEY (product, mac),
                FOREIGN KEY (product, mac) REFERENCES ledger_serials (product, mac)
            ) STRICT
            """,
            """
            CREATE TABLE ledger_master_sources (
                source_id TEXT NOT NULL PRIMARY KEY,
                row_count INTEGER NOT NULL CHECK (row_count >= 1)
            ) STRICT
            """,
            """
            CREATE TABLE ledger_master_rows (
                source_id TEXT NOT NULL REFERENCES ledger_master_sources (source_id),
                data_row INTEGER NOT NULL CHECK (data_row >= 1),
                mac TEXT NOT NULL,
                station_id TEXT NOT NULL,
                claimed_at TEXT NOT NULL,
                PRIMARY KEY (source_id, data_row),
                CONSTRAINT ledger_master_rows_source_mac UNIQUE (source_id, mac)
            ) STRICT
            """,
            // A binding is permanent: the store itself refuses to move or drop one.
            """
            CREATE TRIGGER ledger_serials_permanent BEFORE UPDATE OF product, seq, serial, mac ON ledger_serials
            BEGIN SELECT RAISE(ABORT, 'ledger: a serial stays bound to its MAC'); END
            """,
            """
            CREATE TRIGGER ledger_serials_kept BEFORE DELETE ON ledger_serials
            BEGIN SELECT RAISE(ABORT, 'ledger: allocated serials are never deleted'); END
            """,
            """
            CREATE TRIGGER ledger_master_rows_permanent BEFORE UPDATE ON ledger_master_rows
            BEGIN SELECT RAISE(ABORT, 'ledger: a master row stays with its MAC'); END
            """,
            """
            CREATE TRIGGER ledger_master_rows_kept BEFORE DELETE ON ledger_master_rows
            BEGIN SELECT RAISE(ABORT, 'ledger: claimed master rows are never deleted'); END
            """,
        ],
    ];

    public override string SelectCounterForUpdate => "SELECT last_seq FROM ledger_products WHERE product = @product";

    public override string SelectMasterSourceForUpdate => "SELECT row_count FROM ledger_master_sources WHERE source_id = @source";

    public override string? MigrationLock => null;

    public override object TimeValue(DateTimeOffset at) => Stored(at).ToString(TimeFormat, CultureInfo.InvariantCulture);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture).ToUniversalTime();
}

/// <summary>PostgreSQL: <c>timestamptz</c>, <c>bytea</c>; the counter row is locked with <c>FOR UPDATE</c> under READ COMMITTED.</summary>
internal sealed class PostgresDialect : LedgerDialect
{
    public static readonly PostgresDialect Instance = new();

    public override IReadOnlyList<IReadOnlyList<string>> Migrations { get; } =
    [
        [
            """
            CREATE TABLE ledger_products (
                product TEXT NOT NULL PRIMARY KEY,
                last_seq BIGINT NOT NULL CHECK (last_seq >= 0)
            )
            """,
            """
            CREATE TABLE ledger_serials (
                product TEXT NOT NULL REFERENCES ledger_products (product),
                seq BIGINT NOT NULL CHECK (seq >= 1),
                serial TEXT NOT NULL,
                mac TEXT NOT NULL,
                format TEXT NOT NULL,
                station_id TEXT NOT NULL,
                batch TEXT NOT NULL,
                allocated_at TIMESTAMPTZ NOT NULL,
                outcome TEXT CHECK (outcome IN ('PASS', 'FAIL', 'INTERRUPTED')),
                outcome_record_id TEXT,
                outcome_station_id TEXT,
                outcome_at TIMESTAMPTZ,
                CONSTRAINT ledger_serials_product_seq PRIMARY KEY (product, seq),
                CONSTRAINT ledger_serials_product_mac UNIQUE (product, mac),
                CONSTRAINT ledger_serials_serial UNIQUE (serial)
            )
            """,
            """
            CREATE TABLE ledger_device_data (
                product TEXT NOT NULL,
                mac TEXT NOT NULL,
                record_id TEXT NOT NULL,
                recorded_at TIMESTAMPTZ NOT NULL,
                nvs_offset BIGINT NOT NULL,
                nvs_size BIGINT NOT NULL,
                nvs_sha256 TEXT NOT NULL,
                nvs_md5 TEXT NOT NULL,
                values_json TEXT NOT NULL,
                efuse_before TEXT,
                efuse_after TEXT,
                nvs_image BYTEA NOT NULL,
                PRIMARY KEY (product, mac),
                FOREIGN KEY (product, mac) REFERENCES ledger_serials (product, mac)
            )
            """,
            """
            CREATE TABLE ledger_master_sources (
                source_id TEXT NOT NULL PRIMARY KEY,
                row_count INTEGER NOT NULL CHECK (row_count >= 1)
            )
            """,
            """
            CREATE TABLE ledger_master_rows (
                source_id TEXT NOT NULL REFERENCES ledger_master_sources (source_id),
                data_row INTEGER NOT NULL CHECK (data_row >= 1),
                mac TEXT NOT NULL,
                station_id TEXT NOT NULL,
                claimed_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (source_id, data_row),
                CONSTRAINT ledger_master_rows_source_mac UNIQUE (source_id, mac)
            )
            """,
            // A binding is permanent: the store itself refuses to move or drop one.
            """
            CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'ledger: % on % refused, bindings are permanent', TG_OP, TG_TABLE_NAME;
            END
            $$
            """,
            """
            CREATE TRIGGER ledger_serials_permanent BEFORE UPDATE OF product, seq, serial, mac OR DELETE ON ledger_serials
            FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
            """,
            """
            CREATE TRIGGER ledger_master_rows_permanent BEFORE UPDATE OR DELETE ON ledger_master_rows
            FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
            """,
        ],
    ];

    public override string SelectCounterForUpdate => "SELECT last_seq FROM ledger_products WHERE product = @product FOR UPDATE";

    public override string SelectMasterSourceForUpdate => "SELECT row_count FROM ledger_master_sources WHERE source_id = @source FOR UPDATE";

    // Any constant: a transaction-scoped advisory lock on it serialises migrations across stations.
    public override string? MigrationLock => "SELECT pg_advisory_xact_lock(7370617265)";

    public override object TimeValue(DateTimeOffset at) => Stored(at);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal).ToUniversalTime();
}
