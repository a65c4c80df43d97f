namespace Station.Profiles;

/// <summary>Reads and validates profile files (implementation: see the profiles work item).</summary>
public static partial class ProfileLoader
{
}
