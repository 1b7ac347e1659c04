"""Numbers as Japanese, Chinese and Korean newspapers print them (store/number_reading.py, PRINTED_FORMS): "・" as
a decimal point, full-width digits and signs, minus words, kanji, hanzi and hangul numerals. Each form is tested
with a sentence quoted verbatim from a stored public page (its address in the comment above it), except where
no stored page had the form: those phrases are ours and say so."""
from decimal import Decimal

from hypothesis import given, strategies as st

from explainer.store.number_reading import PRINTED_FORMS
from explainer.store.numbers import numbers_in, numbers_with_spans, states, value_span


def _spans(text: str, value, language: str) -> str:
    span = value_span(text, value, language)
    return text[span[0]:span[1]] if span else ""


# The middle dot as a decimal point (Kyodo and regional papers' style) ---------------------------------------------

def test_a_middle_dot_between_digits_is_a_decimal_point_in_japanese():
    # https://www.nishinippon.co.jp/item/n/584386/
    text = "この年の、女性1人が生涯に産む子どもの推定人数を示す合計特殊出生率は4・32だった。"
    assert states(text, 4.32, "ja") and _spans(text, 4.32, "ja") == "4・32"
    # https://www.nishinippon.co.jp/item/n/584386/
    assert states("合計特殊出生率の過去最低は05年の1・26。", 1.26, "ja")
    # https://www.sankeibiz.jp/macro/amp/160701/mca1607010905009-a.htm
    text = "総務省が1日発表した5月の全国消費者物価指数(生鮮食品を除く)は、前年同月比0・4%下落の103・0だった。"
    assert states(text, 0.4, "ja") and states(text, 103.0, "ja")


def test_the_middle_dot_is_read_both_ways_and_only_in_japanese():
    # The dot also lists numbers ("1・2月": January and February), so each side is read too; in another
    # language's text it is no decimal point. https://www.nishinippon.co.jp/item/n/584386/
    text = "合計特殊出生率の過去最低は05年の1・26。"
    assert {Decimal("1.26"), Decimal("1"), Decimal("26")} <= numbers_in(text, "ja")
    assert Decimal("1.26") not in numbers_in(text, "ko")


# Full-width digits and signs ------------------------------------------------------------------------------------

def test_full_width_digits_with_a_decimal_point_are_read():
    # The address of this page is its title in full-width digits, "１．２０" (percent-encoded in the address):
    # https://work-balance.net/%EF%BC%91%EF%BC%8E%EF%BC%92%EF%BC%90/
    assert states("１．２０", 1.20, "ja")
    # No stored page had a full-width percentage or minus: these two phrases are ours.
    assert states("完全失業率は５．７％", 5.7, "ja")
    assert states("前月比－３", -3, "ja") and not states("前月比－３", 3, "ja")


def test_full_width_keeps_every_reading_in_its_place():
    text = "出生率は１．１５、出生数は６８万６０６１人"  # ours: full-width forms of the figures quoted below
    assert _spans(text, 1.15, "ja") == "１．１５" and _spans(text, 686061, "ja") == "６８万６０６１"


# Minus words ------------------------------------------------------------------------------------------------------

def test_maina_su_makes_the_number_after_it_negative():
    # https://www.sankeibiz.jp/macro/amp/160701/mca1607010905009-a.htm (a headline: minus and the middle dot)
    text = "5月の消費者物価、3年ぶり下げ幅に マイナス0・4%"
    assert states(text, -0.4, "ja") and _spans(text, -0.4, "ja") == "マイナス0・4"
    # https://work-balance.net/%EF%BC%91%EF%BC%8E%EF%BC%92%EF%BC%90/
    text = "自然増減数(出生数と死亡数の差)はマイナス84万8,659人(同5万368人減)、過去最大の減少で17年連続減少となった。"
    assert states(text, -848659, "ja") and states(text, 50368, "ja")
    assert not states(text, 848659, "ja")  # the word makes it negative: never both, as a minus sign


def test_korean_maineoseu_with_a_space():
    # http://labortoday.co.kr/news/articleView.html?idxno=158100
    text = "한국은행은 올해 1분기 GDP 성장률이 마이너스 0.3%를 기록했다고 25일 밝혔다."
    assert states(text, -0.3, "ko") and _spans(text, -0.3, "ko") == "마이너스 0.3"


def test_chinese_fu_before_a_number():
    # No stored page had 负 or 負 right before a figure: these phrases are ours.
    assert states("同比增长负3.5%", -3.5, "zh") and states("同比增長負3.5%", -3.5, "zh-Hant")


# Kanji, hanzi and hangul numerals ---------------------------------------------------------------------------------

def test_kanji_numerals_with_units_and_a_decimal_point():
    # http://www.kantei.go.jp/jp/kanpo-shiryo/990414/siry0414.htm
    text = ("平成十年の単身世帯(平均年齢四八・五歳)の一か月平均消費支出は十八万四千円で、前年に比べ名目〇・二%の"
            "減少となった。")
    assert states(text, 184000, "ja") and _spans(text, 184000, "ja") == "十八万四千"
    assert states(text, 0.2, "ja") and states(text, 48.5, "ja")
    # http://www.tokyo-np.co.jp/article/national/list/201708/CK2017081302000110.html
    assert states("東池袋中央公園に主催者発表で約八百人が集まり", 800, "ja")


def test_kanji_arabic_and_mixed_spellings_of_one_number_agree():
    # http://yjm.sblo.jp/article/177740659.html
    text = "では、「さんぜんごひゃくにん」は「三千五百人」か「3千5百人」か「3,500人」か「3500人」か。"
    assert [text[start:end] for start, end, value in numbers_with_spans(text, "ja") if value == 3500] == \
        ["三千五百", "3千5百", "3,500", "3500"]
    # https://ytv.co.jp/michiura/time/2017/08/post-3745.html
    assert states("「1億2709万4745人」", 127094745, "ja") and states("「2千7百9万人」", 27090000, "ja")


def test_chinese_numerals_with_a_decimal_point_and_traditional_units():
    # http://www.maodafxky.com/news/28305.html
    text = "截止2號下午五時,全市千所公園游園人數共計一百七十二點八萬,比六十周年國慶當日的七十五萬增加近一百萬人。"
    assert states(text, 1728000, "zh") and states(text, 750000, "zh") and states(text, 1000000, "zh")
    assert not states(text, 172, "zh")  # part of 一百七十二點八萬, which states 1,728,000 only
    # http://www.maodafxky.com/news/28305.html
    assert states("游客中,外地游客七十余萬,國外游客接近八千人,北京當地游客近百萬。", 8000, "zh")


def test_liang_is_two_and_a_run_of_digits_is_read_both_ways():
    # http://gd.sina.com.cn/jingji/gc/2019-01-03/detail-ihqfskcn3641149.shtml?from=gd_cnxh
    text = "最开始,公司发展一直比较平稳,规模以每年两三倍的速度增长,最高的时候能达到四到五倍"
    assert {Decimal(2), Decimal(3), Decimal(4), Decimal(5)} <= numbers_in(text, "zh")  # "two or three times"
    # https://okwave.jp/qa/q1130324.html ("三四" is also 34, as "二〇〇四年" is 2004)
    text = "新聞記事で、数字を表すとき、例えば「34」なら「三十四」と「三四」と二つあります。"
    assert [text[start:end] for start, end, value in numbers_with_spans(text, "ja") if value == 34] == ["34", "三十四", "三四"]


def test_hangul_numerals_spaced_by_ten_thousands():
    # https://www.ggilbo.com/news/articleViewAmp.html?idxno=150694
    text = "‘이백삼십사만 오천육백칠십팔(234만 5678)’ ‘십이만 삼천사백오십육(12만 3456)’"
    assert [text[start:end] for start, end, value in numbers_with_spans(text, "ko") if value == 2345678] == \
        ["이백삼십사만 오천육백칠십팔", "234만 5678"]
    assert states(text, 123456, "ko")
    # https://brunch.co.kr/@@55Bp/106
    text = "이천오백 원 아니고 이만 오천 원이야."
    assert states(text, 2500, "ko") and states(text, 25000, "ko")
    # http://www.moneybook.co.kr/pages/index.php?mid=blog_korean&sort_index=readed_count&order_type=desc&page=3&document_srl=526674
    assert states("따라서 172,000,000은 '일억 칠천이백만 원'이라고 쓰고 읽어야 합니다.", 172000000, "ko")


def test_hangul_digits_alone_are_words_not_numbers():
    # https://brunch.co.kr/@@55Bp/106: "이" (this), "일" (day) and "사" (company) are not read without a unit
    text = "어린이일 때 어머니를 따라 은행에 가곤 했습니다."
    assert numbers_in(text, "ko") == set()


def test_kanji_units_alone_are_not_numbers():
    # http://www.maodafxky.com/news/28305.html: "千所" (a thousand parks) is read as no figure; 千 alone is a
    # place name as often ("千葉", "千日前" in https://ytv.co.jp/michiura/time/2017/08/post-3745.html)
    assert Decimal(1000) not in numbers_in("「千夜一夜物語」「千日前」(地名)「千秋楽」", "ja")


@given(st.sampled_from(sorted(PRINTED_FORMS)), st.text(max_size=40))
def test_any_text_is_read_without_error_in_the_printed_forms_languages(language, text):
    numbers_in(text, language)
