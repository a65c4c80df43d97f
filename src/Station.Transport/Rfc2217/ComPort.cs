using System.Buffers.Binary;

namespace Station.Transport.Rfc2217;

/// <summary>
/// RFC 2217 COM-PORT-OPTION commands (client to server; the server answers each with the code + 100
/// and the value in effect) and their values.
/// </summary>
public static class ComPort
{
    public const byte Signature = 0;
    public const byte SetBaudRate = 1;
    public const byte SetDataSize = 2;
    public const byte SetParity = 3;
    public const byte SetStopSize = 4;
    public const byte SetControl = 5;
    public const byte NotifyLineState = 6;
    public const byte NotifyModemState = 7;
    public const byte FlowControlSuspend = 8;
    public const byte FlowControlResume = 9;
    public const byte SetLineStateMask = 10;
    public const byte SetModemStateMask = 11;
    public const byte PurgeData = 12;

    /// <summary>A server's answer to command <c>c</c> is <c>c + ServerOffset</c>.</summary>
    public const byte ServerOffset = 100;

    public const byte ParityNone = 1;
    public const byte StopBits1 = 1;

    // SET-CONTROL values.
    public const byte NoFlowControl = 1;
    public const byte RequestDtr = 7;
    public const byte DtrOn = 8;
    public const byte DtrOff = 9;
    public const byte RequestRts = 10;
    public const byte RtsOn = 11;
    public const byte RtsOff = 12;

    // PURGE-DATA values.
    public const byte PurgeReceive = 1;
    public const byte PurgeTransmit = 2;
    public const byte PurgeBoth = 3;

    /// <summary>IAC SB COM-PORT-OPTION &lt;command&gt; &lt;value&gt; IAC SE.</summary>
    public static byte[] Command(byte command, ReadOnlySpan<byte> value)
    {
        Span<byte> payload = stackalloc byte[value.Length + 1];
        payload[0] = command;
        value.CopyTo(payload[1..]);
        return Telnet.Subnegotiation(Telnet.ComPortOption, payload);
    }

    public static byte[] Command(byte command, byte value) => Command(command, [value]);

    /// <summary>SET-BAUDRATE carries the rate as four bytes in network order.</summary>
    public static byte[] Baud(byte command, int baud)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)baud);
        return Command(command, value);
    }

    /// <summary>The baud in a SET-BAUDRATE payload (after the command byte); null when it is not four bytes.</summary>
    public static int? ReadBaud(ReadOnlySpan<byte> value) =>
        value.Length == 4 && BinaryPrimitives.ReadUInt32BigEndian(value) is var baud and <= int.MaxValue ? (int)baud : null;
}
