using Station.Profiles.Tests.Support;

namespace Station.Profiles.Tests.Fuzz;

/// <summary>The repository's demo profiles and their files, copied into a workspace so mutated copies resolve the same paths.</summary>
internal static class DemoProfiles
{
    public static readonly string[] Names = ["demo-esp32", "demo-esp32-unique"];

    /// <summary>Copies both profiles and their folders into <paramref name="workspace"/>; returns each profile's text by name.</summary>
    public static Dictionary<string, string> CopyInto(ProfileWorkspace workspace)
    {
        string source = Path.Combine(RepositoryRoot(), "profiles");
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in Names)
        {
            texts[name] = File.ReadAllText(Path.Combine(source, name + ".json"));
            foreach (string file in Directory.EnumerateFiles(Path.Combine(source, name)))
            {
                string target = workspace.FullPath(Path.Combine(name, Path.GetFileName(file)));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        return texts;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Station.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Station.sln) above the test binaries.");
    }
}
