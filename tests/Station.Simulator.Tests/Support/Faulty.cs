using Station.Protocol.Chips;
using Station.Protocol.Commands;
using Station.Simulator.Device;
using Station.Simulator.Faults;

namespace Station.Simulator.Tests.Support;

/// <summary>Boards with a fault spec, and the host-side steps the fault tests share.</summary>
internal static class Faulty
{
    public const ulong Seed = 42;

    /// <summary>The plan a board in slot index <paramref name="slot"/> with serial <paramref name="serial"/> draws from <paramref name="spec"/>.</summary>
    public static FaultPlan Plan(string spec, int slot = 0, long serial = 0, ulong seed = Seed) =>
        FaultPlan.Deal(FaultSpec.Parse(spec), new BoardKey(seed, slot, serial), TimeProvider.System);

    public static WireProbe Start(ChipSpec chip, string spec, PowerOnBoot boot = PowerOnBoot.Download, bool pacing = false) =>
        WireProbe.Start(chip, boot, pacing, faults: Plan(spec));

    /// <summary>The ROM/stub banner line of a brownout reset (ESP32 and newer chips): the board reset instead of answering.</summary>
    public const string BrownoutBanner = "rst:0xf";

    /// <summary>
    /// A ROM write of <paramref name="data"/> at <paramref name="offset"/> in 1 KiB blocks (esptool --no-stub);
    /// returns each block's reply, stopping at the first that does not come because the board reset
    /// (<see cref="BrownoutBanner"/> arrived instead; then null is last).
    /// </summary>
    public static async Task<List<Reply?>> RomWriteAsync(WireProbe probe, uint offset, byte[] data)
    {
        const int block = 0x400;
        uint blocks = (uint)((data.Length + block - 1) / block);
        var replies = new List<Reply?> { await probe.CommandAsync(Requests.FlashBegin((uint)data.Length, blocks, block, offset)) };
        uint seq = 0;
        foreach (byte[] chunk in Images.Blocks(data, block, padWithFf: true))
        {
            await probe.SendAsync(Requests.FlashData(seq++, chunk));
            Reply? reply = await probe.ReplyUnlessResetAsync(Opcode.FlashData, BrownoutBanner);
            replies.Add(reply);
            if (reply is null)
            {
                break;
            }
        }

        return replies;
    }

    /// <summary>A stub write of <paramref name="data"/> in 16 KiB blocks; returns every DATA reply and the FLASH_END reply.</summary>
    public static async Task<List<Reply>> StubWriteAsync(WireProbe probe, uint offset, byte[] data)
    {
        const int block = 0x4000;
        uint blocks = (uint)((data.Length + block - 1) / block);
        var replies = new List<Reply> { await probe.CommandAsync(Requests.FlashBegin((uint)data.Length, blocks, block, offset)) };
        uint seq = 0;
        foreach (byte[] chunk in Images.Blocks(data, block, padWithFf: true))
        {
            replies.Add(await probe.CommandAsync(Requests.FlashData(seq++, chunk)));
        }

        replies.Add(await probe.CommandAsync(Requests.FlashEnd(1)));
        return replies;
    }

    public static async Task<string> Md5HexAsync(WireProbe probe, uint offset, int length, bool stub)
    {
        var reply = await probe.CommandAsync(Requests.SpiFlashMd5(offset, (uint)length));
        return stub ? Convert.ToHexStringLower(reply.Data.AsSpan(0, 16)) : System.Text.Encoding.ASCII.GetString(reply.Data, 0, 32);
    }

    public static string Md5Hex(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data));

    public static FaultLog Log(this SimulatedDevice device) => device.Options.Faults.Log ?? throw new InvalidOperationException("No fault log.");

    /// <summary>Waits (on the log's own event, never a sleep) until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> after 5 s.</summary>
    public static async Task UntilAsync(this FaultLog log, Func<FaultLog, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(InjectedFault? _)
        {
            if (condition(log))
            {
                done.TrySetResult();
            }
        }

        log.Injected += Check;
        try
        {
            Check(null);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            log.Injected -= Check;
        }
    }

    public static long Count(this FaultLog log, string kind) => log.Counts.GetValueOrDefault(kind);

    /// <summary>The recorded entries without their timestamps, for comparing runs.</summary>
    public static IEnumerable<string> Comparable(FaultLog log) =>
        log.Entries.Select(e => $"{e.Kind}|{e.Activity}|{e.Command}|{e.Address}|{e.Offset}|{e.Detail}");

    public static ChipSpec Esp32 => ChipCatalogue.Esp32;
}
