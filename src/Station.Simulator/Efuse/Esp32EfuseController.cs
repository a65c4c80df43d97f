using System.Buffers.Binary;
using static Station.Simulator.Efuse.Esp32EfuseRegisters;

namespace Station.Simulator.Efuse;

/// <summary>
/// The ESP32 eFuse controller as READ_REG/WRITE_REG see it (esp-idf-images-and-efuse.md §1.1–§1.4):
/// <list type="bullet">
/// <item>RDATA registers are a latch: a READ command (CONF = 0x5AA5, CMD = 0x1) reloads them from the
/// fuse array, decoding 3/4-coded blocks and zeroing what RD_DIS hides; until then they keep what they
/// held, so a PGM alone does not show in them. A reset runs a READ.</item>
/// <item>A PGM command (CONF = 0x5A5A, CMD = 0x2) ORs the WDATA of all four blocks into the array,
/// except bits WR_DIS locks. WDATA keeps its contents afterwards: the reference does not say the hardware
/// clears it, and neither IDF (which clears it itself) nor espefuse depends on it.</item>
/// <item>Only the op-code field (CONF[15:0]) is checked, because IDF writes just that field and leaves
/// bit 16 set; a command under any other op code does nothing. Either way CMD reads 0 again at once:
/// an operation ends long before the next serial command can arrive.</item>
/// <item>CLK, CONF, DAC_CONF and INT_ENA are stored as written; timing is not checked.</item>
/// </list>
/// </summary>
internal sealed class Esp32EfuseController
{
    private const int DecStatusBitsPerBlock = 4;

    private readonly Esp32EfuseArray _array;
    private readonly uint[][] _rdata = [new uint[7], new uint[8], new uint[8], new uint[8]];
    private readonly uint[][] _wdata = [new uint[7], new uint[8], new uint[8], new uint[8]];
    private uint _clk;
    private uint _conf;
    private uint _dacConf;
    private uint _intRaw;
    private uint _intEna;
    private uint _decStatus;

    public Esp32EfuseController(Esp32EfuseArray array)
    {
        _array = array;
        Reset();
    }

    /// <summary>Chip reset: registers to their reset values, WDATA cleared, then the hardware's own READ.</summary>
    public void Reset()
    {
        foreach (uint[] block in _wdata)
        {
            Array.Clear(block);
        }

        _clk = ClkReset;
        _conf = ConfReset;
        _dacConf = DacConfReset;
        _intRaw = 0;
        _intEna = 0;
        Reload();
    }

    public uint Read(uint address)
    {
        if (TryLocate(address, RdataBlockStart, out int block, out int word))
        {
            return _rdata[block][word];
        }

        if (TryLocate(address, WdataBlockStart, out block, out word))
        {
            return _wdata[block][word];
        }

        return address switch
        {
            EFUSE_CLK_REG => _clk,
            EFUSE_CONF_REG => _conf,
            EFUSE_DAC_CONF_REG => _dacConf,
            EFUSE_INT_RAW_REG => _intRaw,
            EFUSE_INT_ST_REG => _intRaw & _intEna,
            EFUSE_INT_ENA_REG => _intEna,
            EFUSE_DEC_STATUS_REG => _decStatus,
            EFUSE_DATE_REG => DateValue,
            _ => 0,    // CMD (always finished), STATUS (debug), INT_CLR and unused addresses
        };
    }

    /// <summary>WRITE_REG semantics: <c>v = value &amp; mask | old &amp; ~mask</c>; RDATA is read-only.</summary>
    public void Write(uint address, uint value, uint mask)
    {
        uint Merge(uint old) => (value & mask) | (old & ~mask);

        if (TryLocate(address, WdataBlockStart, out int block, out int word))
        {
            _wdata[block][word] = Merge(_wdata[block][word]);
            return;
        }

        switch (address)
        {
            case EFUSE_CLK_REG:
                _clk = Merge(_clk);
                break;
            case EFUSE_CONF_REG:
                _conf = Merge(_conf);
                break;
            case EFUSE_DAC_CONF_REG:
                _dacConf = Merge(_dacConf);
                break;
            case EFUSE_INT_ENA_REG:
                _intEna = Merge(_intEna);
                break;
            case EFUSE_INT_CLR_REG:
                _intRaw &= ~Merge(0);
                break;
            case EFUSE_CMD_REG:
                Command(Merge(0));
                break;
        }
    }

    private void Command(uint cmd)
    {
        uint opCode = _conf & 0xFFFF;
        if ((cmd & EFUSE_PGM_CMD) != 0 && opCode == EFUSE_PGM_OP_CODE)
        {
            _array.Program(_wdata);
            _intRaw |= EFUSE_PGM_CMD;
        }

        if ((cmd & EFUSE_READ_CMD) != 0 && opCode == EFUSE_READ_OP_CODE)
        {
            Reload();
            _intRaw |= EFUSE_READ_CMD;
        }
    }

    /// <summary>The READ operation: RDATA ← array, 3/4 blocks decoded into words 0–5, RD_DIS applied.</summary>
    private void Reload()
    {
        uint rdDis = Esp32FuseProtection.RdDis(_array[0, 0]);
        bool threeQuarters = _array.CodingScheme == Esp32CodingScheme.ThreeQuarters;
        _decStatus = 0;
        for (int block = 0; block < Esp32EfuseArray.BlockCount; block++)
        {
            uint[] words = _array.Block(block);
            if (block > 0 && threeQuarters)
            {
                _decStatus |= DecodeThreeQuarters(words) << ((block - 1) * DecStatusBitsPerBlock);
            }

            for (int word = 0; word < words.Length; word++)
            {
                _rdata[block][word] = words[word] & ~Esp32FuseProtection.ReadHidden(block, word, rdDis);
            }
        }
    }

    /// <summary>
    /// Replaces <paramref name="words"/> with the decoded 24 bytes (words 6–7 read 0). Returns one bit per
    /// failing unit — how DEC_STATUS's 4 bits per block map to units is our choice; the reference only
    /// says non-zero means a decode problem.
    /// </summary>
    private static uint DecodeThreeQuarters(uint[] words)
    {
        Span<byte> stored = stackalloc byte[32];
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(stored[(i * 4)..], words[i]);
        }

        Span<byte> data = stackalloc byte[32];
        data.Clear();
        uint bad = ThreeQuarterCode.Decode(stored, data);
        for (int i = 0; i < 8; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(data[(i * 4)..]);
        }

        return bad;
    }
}
