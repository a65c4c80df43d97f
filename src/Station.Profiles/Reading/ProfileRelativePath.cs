namespace Station.Profiles.Reading;

/// <summary>Paths in a profile are relative to the profile file, so a profile and its files move together.</summary>
internal static class ProfileRelativePath
{
    /// <summary>The full path, or null after recording at the field why the text is no usable path (a NUL in it, say).</summary>
    public static string? Resolve(JsonField field, string relative, string profileDirectory)
    {
        try
        {
            return Path.GetFullPath(relative, profileDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            field.Problem($"'{Printable(relative)}' is not a usable path: {e.Message}");
            return null;
        }
    }

    // A NUL or other control character would garble the terminal the message is read on.
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
