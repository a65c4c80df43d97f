using System.Security.Cryptography;
using System.Text;

namespace Station.DeviceData.Nvs.Csv;

/// <summary>
/// The reference generator (0.2.0) adds Wi-Fi items of its own when it sees certain keys (nvs-format.md §10,
/// "Magic keys"), so an image matches only if these are added the same way:
/// the first <c>sta.ssid</c> or <c>sta.pswd</c> row is followed by the blobs <c>sta.apinfo</c> (140 × FF),
/// <c>sta.pmk</c> (32 × 00) and <c>sta.apsw</c> (00 00); once <c>ap.ssid</c>, <c>ap.passwd</c> and a
/// non-"0" <c>ap.authmode</c> are known, every <c>ap.*</c> of those three rows is preceded by an
/// <c>ap.pmk_info</c> blob of 100 × 00 and PBKDF2-SHA1(password, ssid, 4096, 32).
/// </summary>
internal sealed class WifiMagicKeys
{
    private bool _stationExtrasWritten;
    private string? _apSsid;
    private string? _apPassword;
    private string? _apAuthMode;

    public static bool IsMagic(string key) => IsStation(key) || IsAccessPoint(key);

    /// <summary>Items to write before the row: the access point's PMK once the set is complete.</summary>
    public IReadOnlyList<(string Key, NvsBlob Value)> Before(string key, string? value)
    {
        if (!IsAccessPoint(key))
        {
            return [];
        }

        switch (key)
        {
            case "ap.ssid":
                _apSsid = value;
                break;
            case "ap.passwd":
                _apPassword = value;
                break;
            default:
                // "0" (open network) leaves an earlier auth mode in place, as the generator does.
                if (value != "0")
                {
                    _apAuthMode = value;
                }

                break;
        }

        if (string.IsNullOrEmpty(_apSsid) || string.IsNullOrEmpty(_apPassword) || string.IsNullOrEmpty(_apAuthMode))
        {
            return [];
        }

        byte[] pmk = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_apPassword), Encoding.UTF8.GetBytes(_apSsid), 4096, HashAlgorithmName.SHA1, 32);
        var info = new byte[100 + pmk.Length];
        pmk.CopyTo(info, 100);
        return [("ap.pmk_info", new NvsBlob(info))];
    }

    /// <summary>Items to write after the row: the station extras, once.</summary>
    public IReadOnlyList<(string Key, NvsBlob Value)> After(string key)
    {
        if (!IsStation(key) || _stationExtrasWritten)
        {
            return [];
        }

        _stationExtrasWritten = true;
        var apInfo = new byte[140];
        apInfo.AsSpan().Fill(0xFF);
        return
        [
            ("sta.apinfo", new NvsBlob(apInfo)),
            ("sta.pmk", new NvsBlob(new byte[32])),
            ("sta.apsw", new NvsBlob(new byte[2])),
        ];
    }

    private static bool IsStation(string key) => key is "sta.ssid" or "sta.pswd";

    private static bool IsAccessPoint(string key) => key is "ap.ssid" or "ap.passwd" or "ap.authmode";
}
