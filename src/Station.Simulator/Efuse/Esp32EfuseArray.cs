using Station.Protocol.Chips;
using Station.Simulator.Registers;

namespace Station.Simulator.Efuse;

/// <summary>
/// The fuse bits of one ESP32 (esp-idf-images-and-efuse.md §1.1, §1.9): BLOCK0 (7 words) and
/// BLOCK1–3 (8 words each). Write-once: programming ORs bits in, except those WR_DIS locks, and
/// nothing ever clears a bit. BLOCK1–3 hold what was programmed (the 3/4-encoded form under that
/// coding scheme); decoding and read protection happen when the controller reloads its read registers.
/// The array belongs to the board: it outlives resets and links and is lost only with the board.
/// </summary>
public sealed class Esp32EfuseArray
{
    public const int BlockCount = 4;

    /// <summary>CK8M_FREQ as the register file has always reported it (see <see cref="RegisterFile"/>).</summary>
    private const uint FactoryClk8MFreq = 80;

    private readonly Lock _gate = new();
    private readonly uint[][] _bits = [new uint[7], new uint[8], new uint[8], new uint[8]];
    private int _programOperations;

    /// <summary>A chip as it leaves the factory: its MAC and MAC_CRC in BLOCK0 words 1–2, CK8M_FREQ calibrated, all else 0.</summary>
    public static Esp32EfuseArray Factory(MacAddress mac)
    {
        var array = new Esp32EfuseArray();
        var block0 = new uint[7];
        foreach (var (address, value) in MacEfuseWords.Encode(ChipCatalogue.Esp32, mac))
        {
            block0[(address - Esp32EfuseRegisters.DR_REG_EFUSE_BASE) / 4] = value;
        }

        block0[4] = FactoryClk8MFreq;
        array.Program(0, block0);
        array._programOperations = 0;
        return array;
    }

    public static int WordCount(int block) => block == 0 ? 7 : 8;

    /// <summary>Program operations run so far (each PGM command counts once, whatever it burned).</summary>
    public int ProgramOperations
    {
        get
        {
            lock (_gate)
            {
                return _programOperations;
            }
        }
    }

    public Esp32CodingScheme CodingScheme
    {
        get
        {
            uint scheme = this[0, 6] & 0x3;
            return scheme == 3 ? Esp32CodingScheme.None : (Esp32CodingScheme)scheme;
        }
    }

    /// <summary>One stored word (raw: no read protection, no decoding).</summary>
    public uint this[int block, int word]
    {
        get
        {
            lock (_gate)
            {
                return _bits[block][word];
            }
        }
    }

    /// <summary>A copy of one block's stored words.</summary>
    public uint[] Block(int block)
    {
        lock (_gate)
        {
            return (uint[])_bits[block].Clone();
        }
    }

    /// <summary>
    /// Programs one block as a PGM command would with only this block's write registers set: a 1 in
    /// <paramref name="words"/> burns that fuse unless WR_DIS locks it. Fewer words than the block
    /// holds leave the rest alone.
    /// </summary>
    public void Program(int block, ReadOnlySpan<uint> words)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(words.Length, WordCount(block), nameof(words));
        var all = new uint[BlockCount][];
        for (int b = 0; b < BlockCount; b++)
        {
            all[b] = new uint[WordCount(b)];
        }

        words.CopyTo(all[block]);
        Program(all);
    }

    /// <summary>
    /// One PGM command: every block's write registers at once (there is no block field in CMD on this
    /// chip, §1.2). Write protection is the one in force before the command, so a PGM that also sets
    /// WR_DIS bits still programs the data staged with it.
    /// </summary>
    internal void Program(uint[][] wdata)
    {
        lock (_gate)
        {
            uint wrDis = Esp32FuseProtection.WrDis(_bits[0][0]);
            for (int block = 0; block < BlockCount; block++)
            {
                for (int word = 0; word < WordCount(block); word++)
                {
                    _bits[block][word] |= wdata[block][word] & ~Esp32FuseProtection.WriteLocked(block, word, wrDis);
                }
            }

            _programOperations++;
        }
    }
}
