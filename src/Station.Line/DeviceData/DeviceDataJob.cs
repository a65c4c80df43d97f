using System.Security.Cryptography;
using Station.DeviceData.MassManufacturing;
using Station.DeviceData.Nvs;
using Station.Profiles;
using Station.Traceability.Ledger;

namespace Station.Line.DeviceData;

/// <summary>
/// The per-device part of a job, prepared once: the serial format checked, file values read, the
/// mass-manufacturing input parsed into device rows, and the ledger that hands out serials and rows.
/// </summary>
public sealed class DeviceDataJob
{
    private DeviceDataJob(DeviceDataSettings settings, ISerialLedger ledger)
    {
        Settings = settings;
        Ledger = ledger;
    }

    public DeviceDataSettings Settings { get; }

    public ISerialLedger Ledger { get; }

    public SerialFormat? Format { get; private init; }

    /// <summary>File values by absolute path, read once per job.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; private init; } = new Dictionary<string, byte[]>();

    /// <summary>The master CSV's devices (one per row) when the profile has mass-manufacturing input.</summary>
    public IReadOnlyList<MfgDevice>? MasterRows { get; private init; }

    /// <summary>Identifies the master values source in the ledger: product and the master file's SHA-256.</summary>
    public string? MasterSourceId { get; private init; }

    /// <summary>Directory of the master values CSV: mass-manufacturing file values are relative to it.</summary>
    public string? MasterDirectory { get; private init; }

    /// <summary>Bytes of a file value: the profile's files were read once; mass-manufacturing files are read as needed.</summary>
    public byte[] ReadFile(string path) =>
        Files.TryGetValue(path, out byte[]? bytes)
            ? bytes
            : File.ReadAllBytes(Path.IsPathRooted(path) || MasterDirectory is null ? path : Path.Combine(MasterDirectory, path));

    /// <summary>Prepares the per-device data of <paramref name="profile"/>; problems are reported at their JSON paths.</summary>
    public static async Task<DeviceDataJob> PrepareAsync(Profile profile, ISerialLedger ledger, CancellationToken cancellationToken)
    {
        var settings = profile.DeviceData ?? throw new ArgumentException("The profile has no deviceData section.", nameof(profile));
        var problems = new List<ProfileProblem>();
        SerialFormat? format = null;
        if (settings.Serial is { } serial && !SerialFormat.TryParse(serial.Format, out format, out string? error))
        {
            problems.Add(new ProfileProblem("$.deviceData.serial.format", error));
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in settings.Nvs?.Entries.Where(e => e.FilePath is not null) ?? [])
        {
            files[entry.FilePath!] = await File.ReadAllBytesAsync(entry.FilePath!, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<MfgDevice>? rows = null;
        string? sourceId = null;
        if (settings.Nvs?.Values is { } values)
        {
            try
            {
                var config = MfgConfig.Parse(await File.ReadAllTextAsync(values.ConfigPath, cancellationToken).ConfigureAwait(false), Path.GetFileName(values.ConfigPath));
                string masterText = await File.ReadAllTextAsync(values.MasterPath, cancellationToken).ConfigureAwait(false);
                rows = MfgBatch.Devices(config, MfgValues.Parse(masterText, Path.GetFileName(values.MasterPath)));
                sourceId = $"{settings.Serial?.Product}:{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(masterText)))}";
                if (rows.Count == 0)
                {
                    problems.Add(new ProfileProblem("$.deviceData.nvs.values.master", "has no device rows"));
                }
            }
            catch (NvsException e)
            {
                problems.AddRange(e.Errors.Select(err => new ProfileProblem("$.deviceData.nvs.values", err.Message)));
            }
        }

        if (problems.Count > 0)
        {
            throw new ProfileException(profile.SourcePath, problems);
        }

        return new DeviceDataJob(settings, ledger)
        {
            Format = format,
            Files = files,
            MasterRows = rows,
            MasterSourceId = sourceId,
            MasterDirectory = settings.Nvs?.Values is { } v ? Path.GetDirectoryName(v.MasterPath) : null,
        };
    }
}
