using Station.Cli.Options;
using Station.Flashing.Write;

namespace Station.Cli.Commands;

/// <summary>Parses <c>ADDR FILE [ADDR FILE ...]</c> and reads the files.</summary>
public static class ImageArguments
{
    public static IReadOnlyList<ImageSource> Read(string[] tokens)
    {
        if (tokens.Length == 0 || tokens.Length % 2 != 0)
        {
            throw new UsageException("Give images as ADDRESS FILE pairs, e.g. 0x1000 bootloader.bin 0x10000 app.bin.");
        }

        var images = new List<ImageSource>(tokens.Length / 2);
        for (int i = 0; i < tokens.Length; i += 2)
        {
            if (!Numbers.TryParseAddress(tokens[i], out uint address))
            {
                throw new UsageException($"'{tokens[i]}' is not an address (use 0x10000 or 65536), before file '{tokens[i + 1]}'.");
            }

            images.Add(ImageSource.FromFile(address, tokens[i + 1]));
        }

        return images;
    }
}
