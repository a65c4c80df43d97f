using Station.Flashing.Stub;
using Station.Flashing.Write;
using Station.Line.Events;
using Station.Line.Fixtures;
using Station.Profiles;
using Station.Traceability;
using Station.Transport.Reset;

namespace Station.Line.Jobs;

/// <summary>What the line does to each unit.</summary>
public enum LineOperation
{
    /// <summary>Write the images and the unit's own data, verify, restart, record.</summary>
    Flash,

    /// <summary>Re-verify units without writing anything: every region's MD5 against the images and the ledger.</summary>
    Qa,
}

/// <summary>Who runs the job, where, and how many units it makes.</summary>
public sealed record JobIdentity(string Batch, string StationId, string Operator);

/// <summary>
/// Everything a line job needs, prepared once: the profile, its images read, hash-checked, patched
/// and compressed (never per unit), the stubs, the record sink and the event sink.
/// </summary>
public sealed record LineJob
{
    public required Profile Profile { get; init; }

    /// <summary>The regions to write, prepared once per job from the profile's images.</summary>
    public required FlashPlan Plan { get; init; }

    /// <summary>Image SHA-256 per region index, as pinned in the profile.</summary>
    public required IReadOnlyList<string> ImageSha256 { get; init; }

    public required JobIdentity Identity { get; init; }

    public required IReadOnlyList<ISlotFixture> Slots { get; init; }

    /// <summary>Units to make in total across all slots; null = until stopped.</summary>
    public int? Units { get; init; }

    public StubCatalogue Stubs { get; init; } = StubCatalogue.None;

    public required IRecordSink Records { get; init; }

    public required ILineEventSink Events { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public LineOperation Operation { get; init; } = LineOperation.Flash;

    /// <summary>The per-device part (serials, NVS, eFuses), when the profile has one.</summary>
    public DeviceData.DeviceDataJob? DeviceData { get; init; }

    /// <summary>The reset strategies to cycle while connecting, parsed from the profile.</summary>
    public required IReadOnlyList<IResetStrategy> ResetStrategies { get; init; }

    /// <summary>Slots whose ports appear while the job runs (hot-plug); each gets a worker of its own. Null: only <see cref="Slots"/>.</summary>
    public ISlotSource? SlotSource { get; init; }

    /// <summary>The baud each slot passed units at in earlier jobs, and where this job's lessons go; null: every job starts at the top of the ladder.</summary>
    public Slots.ISlotBaudMemory? BaudMemory { get; init; }

    /// <summary>How long a slot waits between looks for the next unit on a real port.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Prepares a job: loads the images (refusing the job on any SHA-256 mismatch), patches and
    /// compresses them once, and parses the reset strategies (a bad name is a profile problem).
    /// </summary>
    public static async Task<LineJob> PrepareAsync(
        Profile profile, JobIdentity identity, IReadOnlyList<ISlotFixture> slots, IRecordSink records, ILineEventSink events,
        StubCatalogue stubs, int? units, TimeProvider time, CancellationToken cancellationToken, Traceability.Ledger.ISerialLedger? ledger = null)
    {
        var strategies = new List<IResetStrategy>();
        var problems = new List<ProfileProblem>();
        for (int i = 0; i < profile.Retry.ResetStrategies.Count; i++)
        {
            try
            {
                strategies.Add(Station.Transport.Reset.ResetStrategies.Parse(profile.Retry.ResetStrategies[i]));
            }
            catch (FormatException e)
            {
                problems.Add(new ProfileProblem($"$.retry.resetStrategies[{i}]", e.Message));
            }
        }

        if (problems.Count > 0)
        {
            throw new ProfileException(profile.SourcePath, problems);
        }

        var deviceData = profile.DeviceData is null
            ? null
            : await Line.DeviceData.DeviceDataJob.PrepareAsync(profile,
                ledger ?? throw new ArgumentException("The profile has per-device data: the job needs a serial-number ledger.", nameof(ledger)),
                cancellationToken).ConfigureAwait(false);
        var images = await ProfileImages.LoadAsync(profile, cancellationToken).ConfigureAwait(false);
        var sources = images.Select(i => new ImageSource(i.Image.Offset, i.Bytes, i.Image.Name)).ToList();
        // Compressed once here, hard unless the profile says otherwise: every unit of the job then sends fewer bytes.
        long preparing = time.GetTimestamp();
        var effort = profile.Link.Compression == ImageCompression.Fast ? CompressionEffort.Fast : CompressionEffort.Smallest;
        var plan = FlashPlan.Prepare(sources, profile.Chip, profile.Flash, compress: true, effort, cancellationToken);
        events.On(new JobPrepared(time.GetUtcNow(), plan.Regions.Count, plan.Regions.Sum(r => (long)r.Data.Length),
            plan.Regions.Sum(r => r.Spans.Sum(s => (long)(s.Compressed?.Length ?? 0))), profile.Link.Compression, time.GetElapsedTime(preparing)));
        return new LineJob
        {
            Profile = profile,
            Plan = plan,
            ImageSha256 = images.Select(i => i.Image.Sha256).ToList(),
            Identity = identity,
            Slots = slots,
            Units = units,
            Stubs = stubs,
            Records = records,
            Events = events,
            Time = time,
            ResetStrategies = strategies,
            DeviceData = deviceData,
        };
    }
}
