namespace Station.Protocol;

/// <summary>What was wrong with bytes received from the device.</summary>
public enum ProtocolFault
{
    MalformedResponse,
    MalformedRequest,
    FrameTooLong,
    InvalidEscape,
    MalformedStubFile,
    MalformedImage,
}

/// <summary>The only exception protocol parsing throws: the bytes did not follow the protocol.</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(ProtocolFault fault, string message)
        : base(message)
    {
        Fault = fault;
    }

    public ProtocolException(ProtocolFault fault, string message, Exception inner)
        : base(message, inner)
    {
        Fault = fault;
    }

    public ProtocolFault Fault { get; }
}
