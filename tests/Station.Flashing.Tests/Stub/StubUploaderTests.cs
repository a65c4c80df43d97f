using System.Text;
using Station.Flashing.Errors;
using Station.Flashing.Events;
using Station.Flashing.Tests.Support;
using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Protocol.Status;
using Station.Protocol.Stubs;

namespace Station.Flashing.Tests.Stub;

public class StubUploaderTests
{
    // A made-up program: 7000 bytes of text (two RAM blocks) and 100 bytes of data.
    private static readonly StubImage Program = new(0x4008_0010, 0x4008_0000, Enumerable.Range(0, 7000).Select(i => (byte)i).ToArray(),
        0x3FFE_0000, new byte[100], null);

    [Fact]
    public async Task Upload_SendsSegmentsInRamBlocksThenEntry_AndSwitchesToTheStubOnOhai()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32);
        rom.Override = async (command, d) =>
        {
            if (command.Opcode != Opcode.MemEnd)
            {
                return false;
            }

            await d.Ok(command, LoaderKind.Esp32Rom);
            await d.Raw(Encoding.ASCII.GetBytes("OHAI"));
            rom.Kind = LoaderKind.Stub;
            return true;
        };
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);

        await esp.UploadStubAsync(Program, CancellationToken.None);

        Assert.Equal(LoaderKind.Stub, esp.Loader);
        var mem = device.ReceivedList.Where(c => c.Opcode is Opcode.MemBegin or Opcode.MemData or Opcode.MemEnd).ToList();
        Assert.Equal([Opcode.MemBegin, Opcode.MemData, Opcode.MemData, Opcode.MemBegin, Opcode.MemData, Opcode.MemEnd], mem.Select(c => c.Opcode));
        Assert.Equal(Requests.MemBegin(7000, 2, 0x1800, 0x4008_0000).ToPacket(), mem[0].ToPacket());
        Assert.Equal(0x1800 + 16, mem[1].Data.Length);
        Assert.Equal(7000 - 0x1800 + 16, mem[2].Data.Length);   // the last block is not padded
        Assert.Equal(DataChecksum.Compute(Program.Text.AsSpan(0x1800)), (byte)mem[2].Checksum);
        Assert.Equal(Requests.MemEnd(0x4008_0010).ToPacket(), mem[5].ToPacket());
    }

    [Fact]
    public async Task Upload_RomRejectsABlockAsCorrupted_IsNamedRamUploadCorruption()
    {
        var rom = new ScriptedRom(ChipCatalogue.Esp32)
        {
            Override = async (command, d) =>
            {
                if (command.Opcode != Opcode.MemData)
                {
                    return false;
                }

                await d.Reply(Opcode.MemData, 0, Convert.FromHexString("01070000"));
                return true;
            },
        };
        await using var device = new ScriptedDevice(rom.Handle);
        var esp = await Connected.ToAsync(device);

        var e = await Assert.ThrowsAsync<FlashException>(() => esp.UploadStubAsync(Program, CancellationToken.None));

        Assert.Equal(ErrorCodes.RamUploadCorrupt, e.Error.Code);
        Assert.Contains("corrupted on the serial link during RAM upload (ROM error 0x07", e.Error.Cause, StringComparison.Ordinal);
        Assert.Contains("CH9102", e.Error.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_RomRejectsABlockOnce_ResendsThatBlockAndCarriesOn()
    {
        int rejected = 0;
        var rom = new ScriptedRom(ChipCatalogue.Esp32);
        rom.Override = async (command, d) =>
        {
            if (command.Opcode == Opcode.MemData && Sequence(command) == 1 && rejected++ == 0)
            {
                await d.Reply(Opcode.MemData, 0, Convert.FromHexString("01070000"));
                return true;
            }

            if (command.Opcode != Opcode.MemEnd)
            {
                return false;
            }

            await d.Ok(command, LoaderKind.Esp32Rom);
            await d.Raw(Encoding.ASCII.GetBytes("OHAI"));
            rom.Kind = LoaderKind.Stub;
            return true;
        };
        await using var device = new ScriptedDevice(rom.Handle);
        var events = new EventLog();
        var esp = await Connected.ToAsync(device, events);

        await esp.UploadStubAsync(Program, CancellationToken.None, ramBlockSize: 0x600);

        Assert.Equal(LoaderKind.Stub, esp.Loader);
        var data = device.ReceivedList.Where(c => c.Opcode == Opcode.MemData).ToList();
        Assert.Equal([0u, 1u, 1u, 2u, 3u, 4u, 0u], data.Select(Sequence));   // 7000 bytes in 0x600 blocks = 5, block 1 twice; then the data segment
        Assert.All(data.Take(5), c => Assert.Equal(0x600 + 16, c.Data.Length));
        var retried = Assert.Single(events.Of<RamBlockRetried>());
        Assert.Equal((0x4008_0000u, 1, 1, ErrorCodes.RamUploadCorrupt), (retried.Address, retried.Block, retried.Attempt, retried.Reason.Code));
    }

    [Fact]
    public async Task Upload_NoGreeting_IsNamed()
    {
        await using var device = new ScriptedDevice(new ScriptedRom(ChipCatalogue.Esp32S3).Handle);
        var esp = await Connected.ToAsync(device);

        var e = await Assert.ThrowsAsync<FlashException>(() => esp.UploadStubAsync(Program, CancellationToken.None));

        Assert.Equal(ErrorCodes.StubNoGreeting, e.Error.Code);
    }

    private static uint Sequence(Command command) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(command.Data.Span[4..]);
}
