namespace Station.Simulator.Flash;

/// <summary>
/// A SPI NOR flash chip: erasing sets bytes to 0xFF, programming can only clear bits
/// (<c>new = old AND data</c>), so writing over unerased data silently produces the AND of both —
/// exactly what catches a missing erase (esp-serial-protocol.md §15). Storage is sparse: a 4 KiB
/// sector is allocated on its first program and freed again on erase, so a fleet of 16 MB devices
/// costs only what was written. Thread-safe: a dump may run while the device writes.
/// </summary>
public sealed class NorFlash
{
    public const int SectorSize = 0x1000;
    public const int BlockSize = 0x10000;

    private readonly byte[]?[] _sectors;
    private readonly Lock _gate = new();

    public NorFlash(uint size)
    {
        if (size < SectorSize || size % SectorSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "Flash size must be a whole number of 4 KiB sectors.");
        }

        Size = size;
        _sectors = new byte[]?[size / SectorSize];
    }

    public uint Size { get; }

    /// <summary>How many sectors hold programmed data (a measure of memory use).</summary>
    public int AllocatedSectors
    {
        get
        {
            lock (_gate)
            {
                return _sectors.Count(s => s is not null);
            }
        }
    }

    public bool Contains(uint address, uint length) => address <= Size && length <= Size - address;

    /// <summary>Copies flash contents into <paramref name="destination"/>; erased bytes read 0xFF.</summary>
    public void Read(uint address, Span<byte> destination)
    {
        CheckRange(address, (uint)destination.Length);
        lock (_gate)
        {
            while (!destination.IsEmpty)
            {
                int index = (int)(address / SectorSize);
                int within = (int)(address % SectorSize);
                int n = Math.Min(SectorSize - within, destination.Length);
                byte[]? sector = _sectors[index];
                if (sector is null)
                {
                    destination[..n].Fill(0xFF);
                }
                else
                {
                    sector.AsSpan(within, n).CopyTo(destination);
                }

                destination = destination[n..];
                address += (uint)n;
            }
        }
    }

    public byte[] Read(uint address, int length)
    {
        var bytes = new byte[length];
        Read(address, bytes);
        return bytes;
    }

    /// <summary>Erases every sector touched by [address, address + length).</summary>
    public void Erase(uint address, uint length)
    {
        if (length == 0)
        {
            return;
        }

        CheckRange(address, length);
        uint first = address / SectorSize;
        uint last = (address + length - 1) / SectorSize;
        lock (_gate)
        {
            for (uint i = first; i <= last; i++)
            {
                _sectors[i] = null;
            }
        }
    }

    public void EraseAll()
    {
        lock (_gate)
        {
            Array.Clear(_sectors);
        }
    }

    /// <summary>
    /// Programs <paramref name="data"/> with NOR semantics. Returns true when the cells now hold
    /// exactly <paramref name="data"/> (what the ROM's read-back check compares).
    /// </summary>
    public bool Program(uint address, ReadOnlySpan<byte> data)
    {
        CheckRange(address, (uint)data.Length);
        bool exact = true;
        lock (_gate)
        {
            int offset = 0;
            while (offset < data.Length)
            {
                uint at = address + (uint)offset;
                int index = (int)(at / SectorSize);
                int within = (int)(at % SectorSize);
                int n = Math.Min(SectorSize - within, data.Length - offset);
                ReadOnlySpan<byte> chunk = data.Slice(offset, n);
                byte[]? sector = _sectors[index];
                if (sector is null && chunk.ContainsAnyExcept((byte)0xFF))
                {
                    sector = Erased();
                    _sectors[index] = sector;
                }

                if (sector is not null)
                {
                    Span<byte> cells = sector.AsSpan(within, n);
                    for (int i = 0; i < n; i++)
                    {
                        cells[i] &= chunk[i];
                    }

                    exact &= cells.SequenceEqual(chunk);
                }

                offset += n;
            }
        }

        return exact;
    }

    /// <summary>
    /// Flips the bits of <paramref name="mask"/> in the byte at <paramref name="address"/>, whatever NOR
    /// programming allows: a weak or disturbed cell (the bit-flip faults).
    /// </summary>
    public void Flip(uint address, byte mask)
    {
        CheckRange(address, 1);
        lock (_gate)
        {
            int index = (int)(address / SectorSize);
            byte[] sector = _sectors[index] ??= Erased();
            sector[address % SectorSize] ^= mask;
        }
    }

    /// <summary>Writes the whole flash image (erased bytes as 0xFF) to <paramref name="stream"/>.</summary>
    public async Task WriteImageAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[BlockSize];
        for (uint address = 0; address < Size; address += BlockSize)
        {
            int n = (int)Math.Min(BlockSize, Size - address);
            Read(address, buffer.AsSpan(0, n));
            await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }
    }

    private static byte[] Erased()
    {
        var sector = new byte[SectorSize];
        sector.AsSpan().Fill(0xFF);
        return sector;
    }

    private void CheckRange(uint address, uint length)
    {
        if (!Contains(address, length))
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+0x{length:X} lies outside the {Size}-byte flash.");
        }
    }
}
