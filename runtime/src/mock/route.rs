//! Which operation a request is for: its method and path against the operations' path
//! templates; and percent-decoding of paths and query strings.

use super::OperationInfo;

/// A path parameter's name (from the template) and decoded value.
pub(super) type PathParams = Vec<(&'static str, String)>;

/// The operation whose method and path template `path` fits, with its path parameters; the
/// template with the fewest parameters wins (`/pets/mine` before `/pets/{id}`), then the first
/// listed.
pub(super) fn route(routes: &[OperationInfo], method: &str, path: &str) -> Option<(OperationInfo, PathParams)> {
    // Split before decoding: an encoded `/` belongs to its segment.
    let segments: Vec<String> = path.split('/').map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()).collect();
    let mut best: Option<(OperationInfo, PathParams)> = None;
    for operation in routes {
        if !operation.method.eq_ignore_ascii_case(method) {
            continue;
        }
        let template: Vec<&'static str> = operation.path.split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let fits = template.iter().zip(&segments).all(|(pattern, segment)| match_segment(pattern, segment, &mut params));
        if fits && best.as_ref().is_none_or(|(_, found)| params.len() < found.len()) {
            best = Some((*operation, params));
        }
    }
    best
}

/// Whether `segment` fits `pattern` (literal text and `{name}` parameters, each non-empty);
/// adds the parameters' values to `params`.
fn match_segment(pattern: &'static str, segment: &str, params: &mut PathParams) -> bool {
    let Some(start) = pattern.find('{') else { return pattern == segment };
    let Some(end) = pattern[start..].find('}').map(|e| start + e) else { return pattern == segment };
    let (prefix, name, rest) = (&pattern[..start], &pattern[start + 1..end], &pattern[end + 1..]);
    let Some(remaining) = segment.strip_prefix(prefix) else { return false };
    // The shortest value after which the rest fits.
    let ends = remaining.char_indices().map(|(i, _)| i).skip(1).chain(std::iter::once(remaining.len()));
    for i in ends.filter(|&i| i > 0) {
        let mut tail = Vec::new();
        if match_segment(rest, &remaining[i..], &mut tail) {
            params.push((name, remaining[..i].to_owned()));
            params.append(&mut tail);
            return true;
        }
    }
    false
}

/// A query string as decoded (name, value) pairs, in order (`+` is a space, as forms send it).
pub(super) fn query_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &[OperationInfo] = &[
        OperationInfo { id: "getPet", method: "GET", path: "/pets/{id}" },
        OperationInfo { id: "getMine", method: "GET", path: "/pets/mine" },
        OperationInfo { id: "photo", method: "GET", path: "/pets/{id}/photos/{name}.{ext}" },
        OperationInfo { id: "deletePet", method: "DELETE", path: "/pets/{id}" },
    ];

    fn found(method: &str, path: &str) -> Option<(&'static str, PathParams)> {
        route(ROUTES, method, path).map(|(op, params)| (op.id, params))
    }

    #[test]
    fn the_template_with_fewest_parameters_wins() {
        assert_eq!(found("GET", "/pets/mine"), Some(("getMine", vec![])));
        assert_eq!(found("GET", "/pets/7"), Some(("getPet", vec![("id", "7".to_owned())])));
        assert_eq!(found("DELETE", "/pets/mine"), Some(("deletePet", vec![("id", "mine".to_owned())])));
        assert_eq!(found("POST", "/pets/7"), None);
        assert_eq!(found("GET", "/pets/"), None, "parameters are never empty");
        assert_eq!(found("GET", "/pets/7/extra"), None);
    }

    #[test]
    fn parameters_inside_a_segment_and_encoded_text() {
        let params = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect::<Vec<_>>();
        assert_eq!(
            found("GET", "/pets/a%2Fb/photos/report.v2.png"),
            Some(("photo", params(&[("id", "a/b"), ("name", "report"), ("ext", "v2.png")])))
        );
        assert_eq!(found("GET", "/pets/a%20b+c"), Some(("getPet", params(&[("id", "a b+c")]))));
        assert_eq!(found("GET", "/pets/1/photos/.png"), None);
    }

    #[test]
    fn query_strings_decode_plus_as_space() {
        assert_eq!(
            query_pairs("q=a+b%2Bc&flag&x=%zz&&=v&n=%E4%B8%AD"),
            [("q", "a b+c"), ("flag", ""), ("x", "%zz"), ("", "v"), ("n", "中")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(query_pairs(""), []);
    }
}
