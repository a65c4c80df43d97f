namespace Station.DeviceData.Nvs.Writing;

/// <summary>The page budget is spent; the writer turns this into an error naming the item that did not fit.</summary>
internal sealed class NvsOutOfPagesException : Exception
{
    public NvsOutOfPagesException()
        : base(NvsWriter.TooSmallMessage)
    {
    }
}
