namespace Station.Profiles.Reading;

/// <summary>Collects every problem found while reading a profile, in the order they were found.</summary>
internal sealed class ProblemList
{
    private readonly List<ProfileProblem> problems = [];

    public int Count => problems.Count;

    public IReadOnlyList<ProfileProblem> Items => problems;

    public void Add(string path, string message) => problems.Add(new ProfileProblem(path, message));
}
