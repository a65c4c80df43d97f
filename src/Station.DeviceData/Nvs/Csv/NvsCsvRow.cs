namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// One row of a generator CSV (<c>key,type,encoding,value</c>) as Python's DictReader hands it over: a column the
/// row does not reach is null.
/// </summary>
/// <param name="Line">Where the row starts in the CSV, 1-based.</param>
/// <param name="Type"><c>namespace</c>, <c>data</c> or <c>file</c>.</param>
/// <param name="Encoding">u8 … i64, string, hex2bin, base64, binary, blob_fill(N;0xPP), blob_sz_fill(N;0xPP).</param>
/// <param name="Value">The value, or for <c>file</c> rows the path of the file holding it.</param>
public sealed record NvsCsvRow(int Line, string? Key, string? Type, string? Encoding, string? Value);
