use super::nouns::{field_words, thing_words};
use super::*;
use chitieu_domain::refusal::RefusalDiscriminants;
use strum::VariantArray;

#[test]
fn every_field_and_thing_has_words_in_both_languages() {
    for f in Field::VARIANTS {
        let (vi, en) = field_words(*f);
        assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{f:?}");
    }
    for t in Thing::VARIANTS {
        let (vi, en, ens) = thing_words(*t);
        assert!(!vi.is_empty() && !en.is_empty() && !ens.is_empty(), "{t:?}");
    }
    assert!(RefusalDiscriminants::VARIANTS.len() > 30);
}

#[test]
fn a_refusal_reads_in_each_language_with_its_numbers_written_as_there() {
    let r = Refusal::Exceeds {
        field: Field::Disbursed,
        value: "170000.5".into(),
        other: Field::Allocated,
        limit: "1000".into(),
    };
    assert_eq!(
        say(&r, Lang::Vi),
        "kinh phí giải ngân 170.000,5 lớn hơn kinh phí giao 1.000"
    );
    assert_eq!(
        say(&r, Lang::En),
        "the disbursed funds 170,000.5 is greater than the allocated funds 1,000"
    );
    let line = Refusal::YearOutOfRange {
        year: 2099,
        first: 2020,
        last: 2045,
    }
    .of(Thing::Target, "HT-5G")
    .at_line(4);
    assert_eq!(
        say(&line, Lang::Vi),
        "dòng 4: mục tiêu HT-5G: năm 2099 nằm ngoài 2020–2045"
    );
    assert_eq!(
        say(&line, Lang::En),
        "line 4: target HT-5G: year 2099 is outside 2020–2045"
    );
}
