using System.Globalization;
using Station.Flashing.Efuse;

namespace Station.Flashing.Tests.Efuse;

/// <summary>
/// A scripted ESP32 eFuse controller for the burner's sequence and failure paths: logs every register
/// access, and can ignore PGM commands or never finish one. Addresses written out from reference §1.1.
/// </summary>
internal sealed class FakeEfuseController : IEfuseRegisters
{
    public const uint Blk0Rdata0 = 0x3FF5_A000;
    public const uint Blk0Rdata6 = 0x3FF5_A018;
    public const uint Blk0Wdata0 = 0x3FF5_A01C;
    public const uint Blk3Rdata0 = 0x3FF5_A078;
    public const uint Blk1Wdata0 = 0x3FF5_A098;
    public const uint Blk2Wdata0 = 0x3FF5_A0B8;
    public const uint Blk3Wdata0 = 0x3FF5_A0D8;
    public const uint Clk = 0x3FF5_A0F8;
    public const uint Conf = 0x3FF5_A0FC;
    public const uint Cmd = 0x3FF5_A104;
    public const uint DacConf = 0x3FF5_A118;

    private readonly Dictionary<uint, uint> _registers = new() { [Clk] = 82 | (64 << 8), [DacConf] = 40, [Conf] = 1 << 16 };
    private readonly uint[] _fuses = new uint[8];

    public List<string> Log { get; } = [];

    /// <summary>PGM commands before this one (1-based) burn nothing.</summary>
    public int BurnsFromProgram { get; init; } = 1;

    /// <summary>CMD never returns to 0.</summary>
    public bool Stuck { get; init; }

    public int Programs { get; private set; }

    public IReadOnlyList<uint> Fuses => _fuses;

    public Task<uint> ReadAsync(uint address, CancellationToken cancellationToken)
    {
        Log.Add(ReadOf(address));
        uint value = address == Cmd && !Stuck ? 0 : _registers.GetValueOrDefault(address);
        return Task.FromResult(value);
    }

    public Task WriteAsync(uint address, uint value, CancellationToken cancellationToken)
    {
        Log.Add(WriteOf(address, value));
        _registers[address] = value;
        if (address == Cmd && (value & 0x2) != 0 && _registers[Conf] == 0x5A5A && ++Programs >= BurnsFromProgram)
        {
            for (int i = 0; i < 8; i++)
            {
                _fuses[i] |= _registers.GetValueOrDefault(Blk3Wdata0 + (uint)(4 * i));
            }
        }

        if (address == Cmd && (value & 0x1) != 0 && _registers[Conf] == 0x5AA5)
        {
            for (int i = 0; i < 8; i++)
            {
                _registers[Blk3Rdata0 + (uint)(4 * i)] = _fuses[i];
            }
        }

        return Task.CompletedTask;
    }

    public static string ReadOf(uint address) => $"R {address:X8}";

    public static string WriteOf(uint address, uint value) => string.Create(CultureInfo.InvariantCulture, $"W {address:X8}={value:X8}");
}

/// <summary>A clock that moves 1 ms every time it is read, so a poll loop times out without real waiting.</summary>
internal sealed class SteppingTime : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Interlocked.Increment(ref _ticks);
}
