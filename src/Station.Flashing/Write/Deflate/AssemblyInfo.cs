using System.Runtime.CompilerServices;

// The Huffman builder's guarantees (length limit, complete code) are tested directly, not only through round trips.
[assembly: InternalsVisibleTo("Station.Flashing.Tests")]
