using Station.Flashing.Errors;

namespace Station.Flashing.Efuse;

/// <summary>What the station is asked to burn into the ESP32's BLOCK3.</summary>
public abstract record EfuseRequest
{
    /// <summary>"user-data" or "custom-mac", for records and logs.</summary>
    public abstract string Operation { get; }

    /// <summary>Why the request cannot be burned under <paramref name="coding"/>, or null when it can.</summary>
    public abstract string? Problem(EfuseCodingScheme coding = EfuseCodingScheme.None);

    /// <summary>The bytes the request sets, by position in the block.</summary>
    internal abstract Block3Patch ToPatch();

    internal void Validate(EfuseCodingScheme coding)
    {
        if (Problem(coding) is { } problem)
        {
            throw new FlashException(FlashErrors.EfuseRequestInvalid(problem));
        }
    }
}
