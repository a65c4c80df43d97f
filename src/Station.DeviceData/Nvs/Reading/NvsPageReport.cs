namespace Station.DeviceData.Nvs.Reading;

/// <summary>One page as read: header fields with the header CRC verdict, every entry's state, and its items.</summary>
public sealed record NvsPageReport(
    int Index,
    uint RawState,
    uint Sequence,
    byte VersionByte,
    uint StoredHeaderCrc,
    uint ComputedHeaderCrc,
    IReadOnlyList<NvsEntryState> EntryStates,
    IReadOnlyList<NvsStoredItem> Items)
{
    public bool IsUninitialized => RawState == (uint)NvsPageState.Uninitialized;

    /// <summary>The state when it is one the firmware knows, else null.</summary>
    public NvsPageState? State => Enum.IsDefined((NvsPageState)RawState) ? (NvsPageState)RawState : null;

    public bool HeaderCrcOk => StoredHeaderCrc == ComputedHeaderCrc;

    public NvsFormatVersion? Version => VersionByte switch
    {
        (byte)NvsFormatVersion.Version1 => NvsFormatVersion.Version1,
        (byte)NvsFormatVersion.Version2 => NvsFormatVersion.Version2,
        _ => null,
    };

    public int Count(NvsEntryState state) => EntryStates.Count(s => s == state);
}
