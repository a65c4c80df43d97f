using System.Text.RegularExpressions;

namespace Station.Profiles.Reading;

/// <summary>Builds the JSON paths problems are reported at (<c>$.images[1].sha256</c>).</summary>
internal static partial class JsonPath
{
    public const string Root = "$";

    /// <summary>Plain names use dot notation; anything else (a typo with a space, say) is quoted in brackets.</summary>
    public static string Property(string parent, string name) =>
        PlainName().IsMatch(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*$")]
    private static partial Regex PlainName();
}
