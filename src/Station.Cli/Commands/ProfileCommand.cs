using System.CommandLine;
using System.Text.Json;
using Station.Cli.Options;
using Station.Profiles;

namespace Station.Cli.Commands;

/// <summary><c>station profile</c>: work with profile files (profiles/README.md).</summary>
public static class ProfileCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create(CommandContext context) => new("profile", "Work with profile files (profiles/*.json)")
    {
        CreateValidate(context),
    };

    private static Command CreateValidate(CommandContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The profile file, e.g. profiles/demo-esp32.json" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command(
            "validate",
            "Check a profile and every image file it pins; print every problem as '<json path>: <message>'. "
            + "Exit code 0 when the profile is usable, 2 when it has problems.")
        {
            file, json,
        };

        command.SetAction((result, ct) => context.RunAsync(async token =>
        {
            string path = result.GetValue(file)!;
            string fullPath = path;
            Profile? profile = null;
            IReadOnlyList<ProfileProblem> problems = [];
            try
            {
                profile = ProfileLoader.Load(path);
                fullPath = profile.SourcePath;
            }
            catch (ProfileException e)
            {
                problems = e.Problems;
                fullPath = e.File;
            }

            token.ThrowIfCancellationRequested();
            if (result.GetValue(json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(Document(fullPath, profile, problems), s_indented));
            }
            else if (profile is not null)
            {
                await context.Out.WriteLineAsync(
                    $"OK: {profile.Name} {profile.Version} ({profile.Chip.Name}), {profile.Images.Count} image{(profile.Images.Count == 1 ? "" : "s")}");
            }
            else
            {
                foreach (var problem in problems)
                {
                    await context.Out.WriteLineAsync(problem.ToString());
                }

                await context.Error.WriteLineAsync($"{path}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}; the profile cannot be used.");
            }

            // An unusable profile is bad input to the station, like a bad argument: the usage exit code.
            return profile is null ? ExitCodes.Usage : ExitCodes.Success;
        }, ct));
        return command;
    }

    private static object Document(string fullPath, Profile? profile, IReadOnlyList<ProfileProblem> problems) => new
    {
        file = fullPath,
        valid = profile is not null,
        name = profile?.Name,
        version = profile?.Version,
        chip = profile?.Chip.Key,
        images = profile?.Images.Count,
        sha256 = profile?.Sha256,
        problems = problems.Select(p => new { path = p.Path, message = p.Message }),
    };
}
