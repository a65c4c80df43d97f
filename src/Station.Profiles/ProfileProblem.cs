namespace Station.Profiles;

/// <summary>One problem in a profile file, located by its JSON path (e.g. <c>$.images[1].sha256</c>).</summary>
public sealed record ProfileProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A profile that cannot be used; carries every problem found, not just the first.</summary>
public sealed class ProfileException : Exception
{
    public ProfileException(string file, IReadOnlyList<ProfileProblem> problems)
        : base($"Profile {file} has {problems.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
    {
        File = file;
        Problems = problems;
    }

    public string File { get; }

    public IReadOnlyList<ProfileProblem> Problems { get; }
}
