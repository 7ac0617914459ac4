//! The HTML pages and the site list: plain strings built with `format!`.

/// Lines of page text; each page shows three of them, chosen by its number.
const FACTS: [&str; 8] = [
    "This cat was drawn by a Rust function a moment ago; no camera was involved.",
    "Every picture on this server is made of an ellipse, a few triangles and some noise.",
    "A download from this server waits only as long as the server was told to wait.",
    "While one request sleeps, the server is free to answer hundreds of others.",
    "The same address always returns the same bytes, so downloads can be checked.",
    "Nothing here is read from a disk: pages and pictures live in memory.",
    "Tabby cats on this server have stripes on their foreheads and nowhere else.",
    "A thread pool of thirty workers makes thirty of these requests wait together.",
];

/// The HTML of page `n`: a title, a picture of cat `n`, a few paragraphs, links to the
/// neighbouring pages.
pub(crate) fn page_html(n: usize, pages: usize) -> String {
    let facts: Vec<String> = (0..3)
        .map(|i| format!("    <p>{}</p>", FACTS[(n + i * 3) % FACTS.len()]))
        .collect();
    let previous = if n > 1 {
        format!("<a href=\"/pages/{}\">previous page</a>", n - 1)
    } else {
        String::from("first page")
    };
    let next = if n < pages {
        format!("<a href=\"/pages/{}\">next page</a>", n + 1)
    } else {
        String::from("last page")
    };
    format!(
        "<!DOCTYPE html>
<html lang=\"en\">
  <head>
    <meta charset=\"utf-8\">
    <title>Cat page {n}</title>
  </head>
  <body>
    <h1>Cat page {n}</h1>
    <img src=\"/cats/{n}.jpg\" alt=\"cat number {n}\" width=\"320\" height=\"240\">
{facts}
    <p>{previous} | <a href=\"/sites\">all sites</a> | {next}</p>
  </body>
</html>
",
        facts = facts.join("\n"),
    )
}

/// `pages` full URLs, alternating a page and its cat: `/pages/1`, `/cats/1.jpg`,
/// `/pages/2`, `/cats/2.jpg`, …
pub(crate) fn site_list(base: &str, pages: usize) -> Vec<String> {
    (0..pages)
        .map(|i| {
            let n = i / 2 + 1;
            if i % 2 == 0 {
                format!("{base}/pages/{n}")
            } else {
                format!("{base}/cats/{n}.jpg")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_names_itself_and_its_cat() {
        let html = page_html(12, 160);
        assert!(html.contains("<title>Cat page 12</title>"));
        assert!(html.contains("<img src=\"/cats/12.jpg\""));
        assert!(html.contains("/pages/11") && html.contains("/pages/13"));
    }

    #[test]
    fn the_site_list_alternates_pages_and_cats() {
        let sites = site_list("http://h", 5);
        assert_eq!(
            sites,
            [
                "http://h/pages/1",
                "http://h/cats/1.jpg",
                "http://h/pages/2",
                "http://h/cats/2.jpg",
                "http://h/pages/3",
            ]
        );
    }
}
