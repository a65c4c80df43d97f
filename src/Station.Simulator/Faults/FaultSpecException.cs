namespace Station.Simulator.Faults;

/// <summary>A fault spec that cannot be read; the message names the clause and what is wrong with it.</summary>
public sealed class FaultSpecException : FormatException
{
    public FaultSpecException()
    {
    }

    public FaultSpecException(string message)
        : base(message)
    {
    }

    public FaultSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FaultSpecException(int position, string clause, string problem)
        : base($"fault clause {position} '{clause}': {problem}")
    {
        Position = position;
        Clause = clause;
    }

    /// <summary>1-based position of the bad clause.</summary>
    public int Position { get; }

    public string Clause { get; } = "";
}
