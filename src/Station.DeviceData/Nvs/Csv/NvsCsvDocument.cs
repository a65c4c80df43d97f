namespace Station.DeviceData.Nvs.Csv;

/// <summary>A generator CSV turned into items, with the CSV line each item came from.</summary>
public sealed record NvsCsvDocument(IReadOnlyList<NvsItem> Items, IReadOnlyList<int> Lines);
