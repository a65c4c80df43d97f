using System.Globalization;

namespace Station.Simulator.Faults;

/// <summary>
/// <c>ram-corrupt</c>: bits flip in MEM_DATA payloads while a RAM upload is open (field failure F1: a bridge
/// or driver that damages the ~6 KiB stub blocks). Only the payload is hit — the bytes the data checksum
/// covers — so a damaged block reaches the loader whole and is refused the way the real ROM refuses it:
/// <c>01 07</c> (plus <c>00 00</c> on ESP32-family ROMs), or <c>C1</c> from the stub. An even number of
/// flips in every bit position cancels out in the 8-bit XOR checksum, as it would on a real chip.
/// </summary>
internal sealed class RamUploadCorruption : IRamUploadFaults
{
    private const int OffsetsQuoted = 8;

    private readonly FaultLog _log;
    private readonly ByteHits _hits;
    private long _received;

    public RamUploadCorruption(DealtFaults dealt, BoardKey board, FaultLog log)
    {
        _log = log;
        _hits = new ByteHits(dealt.RamCorruptRate, board.Stream("ram-corrupt-bytes"));
    }

    public void MemData(uint sequence, Span<byte> payload)
    {
        var offsets = new List<int>();
        byte checksumChange = 0;
        for (int i = 0; i < payload.Length; i++)
        {
            if (_hits.Hits(_received + i))
            {
                byte mask = (byte)(1 << _hits.Random.Next(8));
                payload[i] ^= mask;
                checksumChange ^= mask;
                offsets.Add(i);
            }
        }

        _received += payload.Length;
        if (offsets.Count > 0)
        {
            string where = string.Join(", ", offsets.Take(OffsetsQuoted)) + (offsets.Count > OffsetsQuoted ? ", …" : "");
            string seen = checksumChange != 0 ? "the checksum no longer matches" : "the flips cancel out in the checksum, the block is taken";
            _log.Record(
                "ram-corrupt",
                string.Create(CultureInfo.InvariantCulture, $"MEM_DATA seq {sequence}: {offsets.Count} bit(s) flipped in the {payload.Length}-byte payload at offsets {where}; {seen}"),
                offset: offsets[0]);
        }
    }
}
