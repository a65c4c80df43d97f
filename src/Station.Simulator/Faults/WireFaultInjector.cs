using System.Globalization;

namespace Station.Simulator.Faults;

/// <summary>
/// Faults of the host→device line and the bridge: <c>corrupt</c> (a random bit of a byte flips),
/// <c>drop</c> (a byte is lost), <c>dead-tx</c> (nothing the host sends arrives, while the device's own
/// output still does: esptool's "download mode detected, but no sync reply") and <c>ceiling</c> (the wire
/// garbles both ways above a baud). Byte indices count every host byte the board has received since it
/// entered its slot, across connections.
/// </summary>
internal sealed class WireFaultInjector : IWireFaults
{
    private readonly DealtFaults _dealt;
    private readonly FaultLog _log;
    private readonly ByteHits _corrupt;
    private readonly ByteHits _drop;
    private readonly HashSet<int> _ceilingsSeen = [];
    private long _received;
    private bool _deadTxSeen;

    public WireFaultInjector(DealtFaults dealt, BoardKey board, FaultLog log)
    {
        _dealt = dealt;
        _log = log;
        _corrupt = new ByteHits(dealt.CorruptRate, board.Stream("corrupt-bytes"));
        _drop = new ByteHits(dealt.DropRate, board.Stream("drop-bytes"));
    }

    public int? BaudCeiling => _dealt.BaudCeiling;

    public byte[] HostToDevice(byte[] chunk)
    {
        long first = _received;
        _received += chunk.Length;
        if (_dealt.DeadTx)
        {
            if (!_deadTxSeen && chunk.Length > 0)
            {
                _deadTxSeen = true;
                _log.Record("dead-tx", "host-to-device line dead: every byte from here on is lost", offset: first, withCommand: false);
            }

            return [];
        }

        if (_dealt.CorruptRate <= 0 && _dealt.DropRate <= 0)
        {
            return chunk;
        }

        var output = new List<byte>(chunk.Length);
        for (int i = 0; i < chunk.Length; i++)
        {
            long index = first + i;
            byte b = chunk[i];
            if (_corrupt.Hits(index))
            {
                int bit = _corrupt.Random.Next(8);
                byte damaged = (byte)(b ^ (1 << bit));
                _log.Record("corrupt", string.Create(CultureInfo.InvariantCulture, $"bit {bit} of host byte {index} flipped: 0x{b:x2} -> 0x{damaged:x2}"), offset: index, withCommand: false);
                b = damaged;
            }

            if (_drop.Hits(index))
            {
                _log.Record("drop", string.Create(CultureInfo.InvariantCulture, $"host byte {index} (0x{b:x2}) lost"), offset: index, withCommand: false);
                continue;
            }

            output.Add(b);
        }

        return [.. output];
    }

    public byte[] DeviceToHost(byte[] chunk) => chunk;

    public void CeilingExceeded(int baud)
    {
        bool first;
        lock (_ceilingsSeen)
        {
            first = _ceilingsSeen.Add(baud);
        }

        if (first)
        {
            _log.Record("ceiling", string.Create(CultureInfo.InvariantCulture, $"{baud} baud is above the line's ceiling of {_dealt.BaudCeiling}: bytes turn to garbage both ways"), withCommand: false);
        }
    }
}
