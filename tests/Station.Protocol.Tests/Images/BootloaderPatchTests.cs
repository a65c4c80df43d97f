using Station.Protocol.Chips;
using Station.Protocol.Images;

namespace Station.Protocol.Tests.Images;

public class BootloaderPatchTests
{
    [Fact]
    public void Apply_DoutAt80mAnd4MB_PatchesHeaderAndRecomputesSha()
    {
        // esptool [verified]: --flash_mode dout --flash_freq 80m --flash_size 4MB turned e9 02 02 20 into e9 02 03 2f.
        byte[] original = TestImages.Build(mode: 0x02, sizeFreq: 0x20, segmentLengths: [20, 33]);
        Assert.Equal(Hex.Bytes("e9 02 02 20"), original[..4]);

        byte[]? patched = BootloaderPatch.Apply(original, 0x1000, ChipCatalogue.Esp32, new FlashSettings("dout", "80m", "4MB"));

        Assert.NotNull(patched);
        Assert.Equal(Hex.Bytes("e9 02 03 2f"), patched[..4]);
        var image = EspImage.Parse(patched, true);
        Assert.True(image.HashValid(patched));
        Assert.True(image.ChecksumValid);
        Assert.Equal(original[4..^32], patched[4..^32]);
    }

    [Fact]
    public void Apply_KeepParts_LeaveTheirNibbles()
    {
        byte[] original = TestImages.Build(mode: 0x00, sizeFreq: 0x2F);

        byte[]? patched = BootloaderPatch.Apply(original, 0x1000, ChipCatalogue.Esp32, new FlashSettings(Size: "16MB"));

        Assert.Equal(Hex.Bytes("e9 02 00 4f"), patched![..4]);
    }

    [Fact]
    public void Apply_OtherAddressOrKeepAllOrNotAnImage_LeavesTheImageAlone()
    {
        byte[] image = TestImages.Build();
        var settings = new FlashSettings("dio", "40m", "4MB");

        Assert.Null(BootloaderPatch.Apply(image, 0x10000, ChipCatalogue.Esp32, settings));
        Assert.Null(BootloaderPatch.Apply(image, 0x1000, ChipCatalogue.Esp32, FlashSettings.Keep));
        Assert.Null(BootloaderPatch.Apply(new byte[100], 0x1000, ChipCatalogue.Esp32, settings));
        Assert.Null(BootloaderPatch.Apply(image, 0x1000, ChipCatalogue.Esp32S3, settings));
        Assert.NotNull(BootloaderPatch.Apply(image, 0x0, ChipCatalogue.Esp32S3, settings));
    }

    [Fact]
    public void Validate_UnknownValues_AreNamedWithTheValidChoices()
    {
        var problems = new FlashSettings("quad", "81m", "3MB").Validate(ChipCatalogue.Esp32);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("'quad'", StringComparison.Ordinal) && p.Contains("dio", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'81m'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'3MB'", StringComparison.Ordinal));
    }

    [Fact]
    public void FlashSizes_Esp8266UsesItsOwnTable()
    {
        Assert.Equal(0x40, ChipCatalogue.Esp8266.FlashSizes["4MB"]);
        Assert.Equal(0x20, ChipCatalogue.Esp32.FlashSizes["4MB"]);
        Assert.True(FlashCodes.TryParseSize("2MB-c1", out uint bytes));
        Assert.Equal(2u * 1024 * 1024, bytes);
        Assert.Equal("512KB", FlashCodes.SizeName(512 * 1024));
    }
}
