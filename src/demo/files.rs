//! Generated artifact files for the demo: Markdown, text, CSV, source code, PNG and PDF.

use anyhow::Result;

/// A small PNG: a bar chart in the learner's colours, `w`×`h` pixels, RGB.
pub fn png_chart(rng: &mut fastrand::Rng, w: u32, h: u32) -> Result<Vec<u8>> {
    let bars = 6u32;
    let heights: Vec<u32> = (0..bars).map(|_| rng.u32(h / 5..h - 4)).collect();
    let colour = [rng.u8(40..200), rng.u8(40..200), rng.u8(40..200)];
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let bar = (x * bars / w) as usize;
            let in_gap = (x * bars) % w < w / 8;
            let filled = !in_gap && h - y <= heights[bar];
            let px = if filled { colour } else { [245, 245, 240] };
            pixels.extend_from_slice(&px);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&pixels)?;
    }
    Ok(out)
}

/// A one-page PDF with the given lines of text (Helvetica, uncompressed), so that text
/// extraction and metadata views have something real to show.
pub fn pdf_document(title: &str, lines: &[String]) -> Vec<u8> {
    // Title, a blank line, then one line per `T*` (text extractors see the line breaks).
    let mut content = String::from("BT /F1 16 Tf 16 TL 56 780 Td ");
    content.push_str(&format!(
        "({}) Tj T* T* /F1 11 Tf 14 TL ",
        pdf_escape(title)
    ));
    for line in lines {
        content.push_str(&format!("({}) Tj T* ", pdf_escape(line)));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!(
            "<< /Title ({}) /Producer (merit demo) >>",
            pdf_escape(title)
        ),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn pdf_escape(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect()
}

/// A messy-then-cleaned CSV of air-quality readings.
pub fn csv_readings(rng: &mut fastrand::Rng, rows: usize) -> String {
    let stations = [
        "Harbour Rd",
        "Market Sq",
        "North Park",
        "Rail Yard",
        "Old Mill",
    ];
    let mut out = String::from("station,date,pm25_ugm3,no2_ugm3,temperature_c,flag\n");
    for i in 0..rows {
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let flag = if rng.u8(0..10) == 0 { "imputed" } else { "" };
        out.push_str(&format!(
            "{},2025-{month:02}-{day:02},{:.1},{:.1},{:.1},{flag}\n",
            stations[rng.usize(0..stations.len())],
            rng.f64() * 40.0 + 2.0,
            rng.f64() * 60.0 + 5.0,
            rng.f64() * 25.0 - 2.0,
        ));
    }
    out
}

pub fn python_cleaning_script(rng: &mut fastrand::Rng) -> String {
    let threshold = rng.u8(3..6);
    format!(
        r#""""Clean the city air-quality export: fix types, drop duplicates, flag outliers."""
import sys

import pandas as pd

RAW = "raw/air_quality_2025.csv"
OUT = "cleaned-data.csv"


def load(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, na_values=["", "NA", "-999"])
    df["date"] = pd.to_datetime(df["date"], errors="raise", dayfirst=True)
    return df


def clean(df: pd.DataFrame) -> pd.DataFrame:
    before = len(df)
    df = df.drop_duplicates(subset=["station", "date"])
    print(f"dropped {{before - len(df)}} duplicate station-days", file=sys.stderr)
    df["station"] = df["station"].str.strip().str.title()
    z = (df["pm25_ugm3"] - df["pm25_ugm3"].mean()) / df["pm25_ugm3"].std()
    df.loc[z.abs() > {threshold}, "flag"] = "outlier"
    df["pm25_ugm3"] = df.groupby("station")["pm25_ugm3"].transform(
        lambda s: s.fillna(s.median())
    )
    return df


if __name__ == "__main__":
    clean(load(RAW)).to_csv(OUT, index=False)
"#
    )
}

pub fn vulnerable_patch(rng: &mut fastrand::Rng) -> String {
    let table = ["orders", "invoices", "tickets"][rng.usize(0..3)];
    format!(
        r#"--- a/app/routes/{table}.py
+++ b/app/routes/{table}.py
@@ -12,9 +12,10 @@ def search():
     term = request.args.get("q", "")
-    sql = "SELECT * FROM {table} WHERE title LIKE '%" + term + "%'"
-    rows = db.execute(sql).fetchall()
-    return render_template_string("<h1>Results for " + term + "</h1>" + table_html(rows))
+    rows = db.execute(
+        "SELECT * FROM {table} WHERE title LIKE ?", (f"%{{term}}%",)
+    ).fetchall()
+    return render_template("results.html", term=term, rows=rows)
@@ -40,6 +41,8 @@ def admin_delete({table}_id):
+    if not current_user.is_admin:
+        abort(403)
     db.execute("DELETE FROM {table} WHERE id = ?", ({table}_id,))
"#
    )
}
