using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;

namespace Station.Traceability.Csv;

/// <summary>Writes <see cref="UnitResult"/> as PASS, FAIL or INTERRUPTED: the words the line and QA use.</summary>
public sealed class ResultCellConverter : DefaultTypeConverter
{
    public static string ToCell(UnitResult result) => result switch
    {
        UnitResult.Pass => "PASS",
        UnitResult.Fail => "FAIL",
        UnitResult.Interrupted => "INTERRUPTED",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown result."),
    };

    public static bool TryParse(string? text, out UnitResult result)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "PASS": result = UnitResult.Pass; return true;
            case "FAIL": result = UnitResult.Fail; return true;
            case "INTERRUPTED": result = UnitResult.Interrupted; return true;
            default: result = default; return false;
        }
    }

    public override string? ConvertToString(object? value, IWriterRow row, MemberMapData memberMapData) =>
        value is UnitResult result ? ToCell(result) : base.ConvertToString(value, row, memberMapData);

    public override object? ConvertFromString(string? text, IReaderRow row, MemberMapData memberMapData) =>
        TryParse(text, out var result) ? result : base.ConvertFromString(text, row, memberMapData);
}
