import Foundation

/// A small SVG writer for the report's figures: line/point plots (linear or log–log axes) and
/// heatmaps. Output is self-contained SVG text (well-formed XML, tested), no scripts.
public enum SVG {
    public struct Series {
        public var label: String, x: [Double], y: [Double], points: Bool
        public init(label: String, x: [Double], y: [Double], points: Bool = false) {
            self.label = label; self.x = x; self.y = y; self.points = points
        }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    static func f(_ x: Double) -> String { String(format: "%.2f", x) }

    /// Lines (or points) over shared axes; vertical dashed markers at the given x; log–log if asked.
    public static func plot(title: String, xLabel: String, yLabel: String, series: [Series], markers: [(label: String, x: Double)] = [],
                            logLog: Bool = false, width: Double = 620, height: Double = 340) -> String {
        let (left, right, top, bottom) = (64.0, 200.0, 30.0, 48.0)
        let t: (Double) -> Double = logLog ? { Foundation.log10($0) } : { $0 }
        let xs = (series.flatMap(\.x) + markers.map(\.x)).filter { $0.isFinite && (!logLog || $0 > 0) }.map(t)
        let ys = series.flatMap(\.y).filter { $0.isFinite && (!logLog || $0 > 0) }.map(t)
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1), (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1 }
        if !logLog { y0 = min(y0, 0) }
        let px = { (x: Double) in left + (t(x) - x0) / (x1 - x0) * (width - left - right) }
        let py = { (y: Double) in height - bottom - (t(y) - y0) / (y1 - y0) * (height - top - bottom) }
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(width / 2 - right / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(ReportFormats.xml(title))</text>",
                   "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(height - top - bottom))\" fill=\"none\" stroke=\"#444\"/>"]
        for i in 0...4 {  // ticks
            let u = x0 + Double(i) / 4 * (x1 - x0), v = y0 + Double(i) / 4 * (y1 - y0)
            let xv = logLog ? Foundation.pow(10, u) : u, yv = logLog ? Foundation.pow(10, v) : v
            let tx = left + Double(i) / 4 * (width - left - right), ty = height - bottom - Double(i) / 4 * (height - top - bottom)
            out.append("<text x=\"\(f(tx))\" y=\"\(f(height - bottom + 14))\" text-anchor=\"middle\">\(String(format: "%.3g", xv))</text>")
            out.append("<text x=\"\(f(left - 4))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(String(format: "%.3g", yv))</text>")
        }
        out.append("<text x=\"\(f(left + (width - left - right) / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(ReportFormats.xml(xLabel))</text>")
        out.append("<text transform=\"translate(14 \(f(top + (height - top - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(ReportFormats.xml(yLabel))</text>")
        for (i, m) in markers.enumerated() where m.x.isFinite {
            out.append("<line x1=\"\(f(px(m.x)))\" x2=\"\(f(px(m.x)))\" y1=\"\(f(top))\" y2=\"\(f(height - bottom))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>")
            out.append("<text x=\"\(f(px(m.x) + 3))\" y=\"\(f(top + 12 + 12 * Double(i)))\" fill=\"#555\">\(ReportFormats.xml(m.label))</text>")
        }
        for (i, s) in series.enumerated() {
            let color = palette[i % palette.count]
            let pts = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (!logLog || ($0.0 > 0 && $0.1 > 0)) }
            if s.points {
                for (x, y) in pts { out.append("<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"3.5\" fill=\"\(color)\"/>") }
            } else if !pts.isEmpty {
                out.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"" + pts.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ") + "\"/>")
            }
            let ly = top + 14 + 16 * Double(i)
            out.append("<rect x=\"\(f(width - right + 10))\" y=\"\(f(ly - 8))\" width=\"12\" height=\"8\" fill=\"\(color)\"/>")
            out.append("<text x=\"\(f(width - right + 26))\" y=\"\(f(ly))\">\(ReportFormats.xml(s.label))</text>")
        }
        return (out + ["</svg>"]).joined(separator: "\n")
    }

    /// A heatmap of values in [−1, 1] (blue negative, white 0, red positive), one cell per entry;
    /// with `rowTicks` / `columnTicks`, each row and column is labelled and each cell shows its value.
    public static func heatmap(title: String, values: [Double], rows: Int, columns: Int, rowLabel: String, columnLabel: String,
                               rowTicks: [String]? = nil, columnTicks: [String]? = nil) -> String {
        let cell = min(28.0, 280 / Double(max(rows, columns))), left = 60.0, top = 34.0
        let width = max(left + cell * Double(columns) + 70, left + 7 * Double(title.count)), height = top + cell * Double(rows) + 40
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\">\(ReportFormats.xml(title))</text>"]
        for r in 0..<rows {
            for c in 0..<columns {
                let v = max(-1, min(1, values[r * columns + c]))
                let (red, green, blue) = v >= 0 ? (255.0, 255 * (1 - v), 255 * (1 - v)) : (255 * (1 + v), 255 * (1 + v), 255.0)
                out.append("<rect x=\"\(f(left + cell * Double(c)))\" y=\"\(f(top + cell * Double(r)))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"rgb(\(Int(red)),\(Int(green)),\(Int(blue)))\"><title>\(r), \(c): \(String(format: "%.3f", values[r * columns + c]))</title></rect>")
                if rowTicks != nil || columnTicks != nil {
                    out.append("<text x=\"\(f(left + cell * (Double(c) + 0.5)))\" y=\"\(f(top + cell * (Double(r) + 0.5) + 4))\" text-anchor=\"middle\" font-size=\"10\">\(String(format: "%.2f", values[r * columns + c]))</text>")
                }
            }
        }
        for (r, tick) in (rowTicks ?? []).enumerated() where r < rows {
            out.append("<text x=\"\(f(left - 4))\" y=\"\(f(top + cell * (Double(r) + 0.5) + 4))\" text-anchor=\"end\">\(ReportFormats.xml(tick))</text>")
        }
        for (c, tick) in (columnTicks ?? []).enumerated() where c < columns {
            out.append("<text x=\"\(f(left + cell * (Double(c) + 0.5)))\" y=\"\(f(top - 4))\" text-anchor=\"middle\">\(ReportFormats.xml(tick))</text>")
        }
        out.append("<text x=\"\(f(left + cell * Double(columns) / 2))\" y=\"\(f(top + cell * Double(rows) + 16))\" text-anchor=\"middle\">\(ReportFormats.xml(columnLabel))</text>")
        out.append("<text transform=\"translate(20 \(f(top + cell * Double(rows) / 2))) rotate(-90)\" text-anchor=\"middle\">\(ReportFormats.xml(rowLabel))</text>")
        out.append("<text x=\"\(f(left + cell * Double(columns) + 8))\" y=\"\(f(top + 10))\">red +1</text>")
        out.append("<text x=\"\(f(left + cell * Double(columns) + 8))\" y=\"\(f(top + 24))\">blue −1</text>")
        return (out + ["</svg>"]).joined(separator: "\n")
    }

    /// A bar chart of labelled counts (e.g. a histogram with decade bins).
    public static func bars(title: String, xLabel: String, yLabel: String, bins: [(label: String, count: Int)],
                            width: Double = 620, height: Double = 300) -> String {
        let (left, right, top, bottom) = (64.0, 20.0, 30.0, 56.0)
        let peak = Double(max(bins.map(\.count).max() ?? 1, 1)), slot = (width - left - right) / Double(max(bins.count, 1))
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(ReportFormats.xml(title))</text>",
                   "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(height - bottom))\" y2=\"\(f(height - bottom))\" stroke=\"#444\"/>"]
        for (i, bin) in bins.enumerated() {
            let h = Double(bin.count) / peak * (height - top - bottom), x = left + Double(i) * slot
            out.append("<rect x=\"\(f(x + 2))\" y=\"\(f(height - bottom - h))\" width=\"\(f(slot - 4))\" height=\"\(f(h))\" fill=\"\(palette[0])\"><title>\(ReportFormats.xml(bin.label)): \(bin.count)</title></rect>")
            out.append("<text x=\"\(f(x + slot / 2))\" y=\"\(f(height - bottom + 14))\" text-anchor=\"middle\">\(ReportFormats.xml(bin.label))</text>")
            if bin.count > 0 { out.append("<text x=\"\(f(x + slot / 2))\" y=\"\(f(height - bottom - h - 3))\" text-anchor=\"middle\">\(bin.count)</text>") }
        }
        out.append("<text x=\"\(f(left + (width - left - right) / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(ReportFormats.xml(xLabel))</text>")
        out.append("<text transform=\"translate(14 \(f(top + (height - top - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(ReportFormats.xml(yLabel))</text>")
        return (out + ["</svg>"]).joined(separator: "\n")
    }
}
