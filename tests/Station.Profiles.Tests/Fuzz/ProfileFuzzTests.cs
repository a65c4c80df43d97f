using System.Text.RegularExpressions;
using Station.Profiles.Tests.Support;
using Station.Testing.Fuzz;

namespace Station.Profiles.Tests.Fuzz;

/// <summary>
/// The demo profiles damaged many ways: loading gives a profile or a <see cref="ProfileException"/> whose every
/// problem names a well-formed JSON path, validating never throws and finds the same problems, and a single
/// edit is reported at the path it touched.
/// </summary>
public sealed partial class ProfileFuzzTests : IDisposable
{
    private const int IterationsPerProfile = 400;

    private readonly ProfileWorkspace workspace = new();

    public void Dispose() => workspace.Dispose();

    [Theory]
    [InlineData("demo-esp32", 4001)]
    [InlineData("demo-esp32-unique", 4002)]
    public void Load_MutatedDemoProfile_GivesAProfileOrProblemsAtJsonPaths(string name, int seed)
    {
        string text = DemoProfiles.CopyInto(workspace)[name];
        string file = SeedFile(name, text);

        FuzzCases.Run(seed, IterationsPerProfile, random => ProfileMutator.Mutate(random, text), mutation => Check(file, mutation), Describe);
    }

    [Theory]
    [InlineData("demo-esp32")]
    [InlineData("demo-esp32-unique")]
    public void Load_EveryAimedValueAtEveryField_GivesAProfileOrProblemsAtJsonPaths(string name)
    {
        string text = DemoProfiles.CopyInto(workspace)[name];
        string file = SeedFile(name, text);
        var sweep = ProfileMutator.Sweep(text).ToList();

        // A sweep needs no randomness: the "seed" picks the case, so a failure still names one reproducible case.
        FuzzCases.Run(0, sweep.Count, Counter(), index => Check(file, sweep[index]), index => Describe(sweep[index]));
    }

    private string SeedFile(string name, string text)
    {
        string file = workspace.FullPath($"fuzz-{name}.json");
        File.WriteAllText(file, text);
        Assert.Empty(ProfileLoader.Validate(file));   // the seed itself is valid
        return file;
    }

    private static void Check(string file, ProfileMutation mutation)
    {
        File.WriteAllBytes(file, mutation.Bytes);
        IReadOnlyList<ProfileProblem> problems;
        try
        {
            ProfileLoader.Load(file);
            problems = [];
        }
        catch (ProfileException e)
        {
            problems = e.Problems;
            Assert.NotEmpty(problems);
            Assert.All(problems, p => Assert.Contains(p.Path, e.Message, StringComparison.Ordinal));
        }

        Assert.All(problems, p =>
        {
            Assert.Matches(WellFormedPath(), p.Path);
            Assert.False(string.IsNullOrWhiteSpace(p.Message), $"{p.Path} has no message");
        });
        Assert.Equal(problems, ProfileLoader.Validate(file));
        if (mutation.ExpectedPath is { } expected)
        {
            Assert.True(problems.Any(p => p.Path == expected), $"no problem reported at {expected}; got: {string.Join(" | ", problems)}");
        }
    }

    private static Func<Random, int> Counter()
    {
        int next = 0;
        return _ => next++;
    }

    private static string Describe(ProfileMutation mutation) =>
        $"{mutation.Description}{Environment.NewLine}{System.Text.Encoding.UTF8.GetString(mutation.Bytes)}";

    /// <summary><c>$</c>, then <c>.name</c>, <c>['any name']</c> or <c>[index]</c> steps.</summary>
    [GeneratedRegex(@"^\$(\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\['([^'\\]|\\.)*'\])*$", RegexOptions.Singleline)]
    private static partial Regex WellFormedPath();
}
