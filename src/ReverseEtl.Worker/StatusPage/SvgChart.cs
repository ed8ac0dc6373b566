using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>
/// Charts as inline SVG, drawn on the server: a title and description for screen readers, axis labels, and each value
/// in a <c>data-*</c> attribute and a <c>&lt;title&gt;</c> tooltip, so the numbers can be read back from the page.
/// Hand-built: ScottPlot 5 draws SVG through SkiaSharp, whose native library and fonts the image would then need.
/// </summary>
internal static class SvgChart
{
    private const double Width = 760, Height = 300, Left = 52, Right = 270, Top = 14, Bottom = 44;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    /// <summary>A curve: <paramref name="Key"/> goes to <c>data-series</c>, values are shares from 0 to 1 by week.</summary>
    public sealed record Series(string Key, string Name, IReadOnlyList<double> Values);

    /// <summary>A bar: a share from 0 to 1.</summary>
    public sealed record Bar(string Key, string Name, double Value, string Detail);

    public static void Lines(StringBuilder html, string id, string title, string description, IReadOnlyList<Series> series, int weeks)
    {
        Open(html, id, title, description);
        YAxis(html, "share activated", Width - Right + 10);
        var step = (Width - Left - Right) / Math.Max(1, weeks);
        for (var k = 0; k <= weeks; k++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(Left + k * step)}\" y=\"{N(Height - Bottom + 16)}\" text-anchor=\"middle\">{k}</text>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{N((Width - Right + Left) / 2)}\" y=\"{N(Height - 6)}\" text-anchor=\"middle\">weeks since signup</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var (s, color) = (series[i], Palette[i % Palette.Length]);
            var points = s.Values.Select((v, k) => (X: Left + k * step, Y: Y(v), Value: v, Week: k)).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<g class=\"curve\" data-series=\"{HtmlEncode(s.Key)}\" data-label=\"{HtmlEncode(s.Name)}\" data-values=\"{string.Join(' ', s.Values.Select(N))}\"><title>{HtmlEncode(s.Name)}</title>");
            html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}"))}\"/>");
            foreach (var p in points)
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(p.X)}\" cy=\"{N(p.Y)}\" r=\"3\" fill=\"{color}\" data-week=\"{p.Week}\" data-value=\"{N(p.Value)}\"><title>{HtmlEncode(s.Name)}, week {p.Week}: {p.Value:P1}</title></circle>");
            }

            html.Append("</g>");
            Legend(html, i, color, s.Name);
        }

        html.Append("</svg>");
    }

    public static void Bars(StringBuilder html, string id, string title, string description, IReadOnlyList<Bar> bars)
    {
        Open(html, id, title, description);
        YAxis(html, "activation rate", Width - 20);
        var slot = (Width - Left - 20) / Math.Max(1, bars.Count);
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var (x, y) = (Left + i * slot, Y(b.Value));
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{N(x + slot * 0.1)}\" y=\"{N(y)}\" width=\"{N(slot * 0.8)}\" height=\"{N(Height - Bottom - y)}\" fill=\"{Palette[0]}\" data-series=\"{HtmlEncode(b.Key)}\" data-value=\"{N(b.Value)}\"><title>{HtmlEncode(b.Name)}: {b.Value:P1} ({HtmlEncode(b.Detail)})</title></rect>");
            if (i % Math.Max(1, bars.Count / 8) == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(x + slot / 2)}\" y=\"{N(Height - Bottom + 16)}\" text-anchor=\"middle\">{HtmlEncode(b.Key)}</text>");
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{N((Width + Left) / 2)}\" y=\"{N(Height - 6)}\" text-anchor=\"middle\">signup week (from Monday)</text></svg>");
    }

    private static void Open(StringBuilder html, string id, string title, string description) => html.Append(CultureInfo.InvariantCulture,
        $"<svg id=\"{id}\" class=\"chart\" role=\"img\" viewBox=\"0 0 {N(Width)} {N(Height)}\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{HtmlEncode(title)}</title><desc id=\"{id}-desc\">{HtmlEncode(description)}</desc>");

    private static void YAxis(StringBuilder html, string label, double right)
    {
        foreach (var share in new[] { 0, 0.25, 0.5, 0.75, 1 })
        {
            html.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(Left)}\" x2=\"{N(right)}\" y1=\"{N(Y(share))}\" y2=\"{N(Y(share))}\"/><text class=\"tick\" x=\"{N(Left - 6)}\" y=\"{N(Y(share) + 4)}\" text-anchor=\"end\">{share:P0}</text>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" transform=\"rotate(-90)\" x=\"{N(-(Height - Bottom + Top) / 2)}\" y=\"12\" text-anchor=\"middle\">{label}</text>");
    }

    private static void Legend(StringBuilder html, int index, string color, string name)
    {
        var y = Top + 6 + index * 18;
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(Width - Right + 24)}\" x2=\"{N(Width - Right + 44)}\" y1=\"{N(y)}\" y2=\"{N(y)}\" stroke=\"{color}\" stroke-width=\"3\"/><text class=\"legend\" x=\"{N(Width - Right + 50)}\" y=\"{N(y + 4)}\">{HtmlEncode(name)}</text>");
    }

    private static double Y(double share) => Top + (1 - Math.Clamp(share, 0, 1)) * (Height - Top - Bottom);

    private static string N(double value) => Math.Round(value, 4).ToString(CultureInfo.InvariantCulture);
}
