"""The catalogue of audit actions: every code a service may write, with the label people read.

``services.record*`` refuse a code missing here (a programming error: the log would show a
code nobody can read). A new action is one line here and its English in the catalogue;
``tests/audit/test_actions.py`` fails when a code written in ``src/`` is missing.

Some codes are built from a workflow's transition names (``review.round_<transition>``,
``review.entries_<transition>``, ``workforce.request_<transition>``,
``workforce.household_change_<flag>``): they are listed in full, so that the log reads the same.
"""

from __future__ import annotations

from typing import Final

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


def _a(label: str) -> Promise:
    # Its own context: a label names what happened ("Household added"), where the same
    # Vietnamese on a button asks for it ("Add household").
    return pgettext_lazy("audit action", label)


ACTIONS: Final[dict[str, Promise]] = {
    # accounts
    "account.api_token_created": _a("Tạo mã truy cập API"),
    "account.api_token_revoked": _a("Thu hồi mã truy cập API"),
    "account.demo_user_reset": _a("Đặt lại tài khoản trình diễn"),
    "account.login_throttle_cleared": _a("Gỡ tạm hoãn đăng nhập"),
    "account.login_throttled": _a("Tạm hoãn đăng nhập"),
    "account.password_changed": _a("Đổi mật khẩu"),
    "account.role_granted": _a("Phân quyền"),
    "account.role_revoked": _a("Thu hồi quyền"),
    "account.user_changed": _a("Sửa tài khoản"),
    "account.user_created": _a("Tạo tài khoản"),
    # areas
    "areas.area_kind_overridden": _a("Đặt loại địa bàn thành thị/nông thôn"),
    "areas.official_units_loaded": _a("Nạp danh mục đơn vị hành chính"),
    "areas.unit_merged": _a("Sáp nhập đơn vị hành chính"),
    "areas.unit_renamed": _a("Đổi tên đơn vị hành chính"),
    "areas.village_created": _a("Thêm thôn, tổ dân phố"),
    # demo and jobs
    "demo.loaded": _a("Nạp dữ liệu trình diễn"),
    "jobs.files_purged": _a("Xóa tệp đã hết hạn lưu"),
    # livelihoods
    "livelihoods.demo_loaded": _a("Tạo mô hình sinh kế trình diễn"),
    "livelihoods.group_approved": _a("Xã công nhận tổ nhóm hộ"),
    "livelihoods.group_created": _a("Thành lập tổ nhóm hộ"),
    "livelihoods.group_meeting_recorded": _a("Ghi cuộc họp tổ nhóm"),
    "livelihoods.group_member_added": _a("Thêm hộ vào tổ nhóm"),
    "livelihoods.input_delivered": _a("Cấp vật tư, giống cho hộ tham gia mô hình"),
    "livelihoods.model_created": _a("Tạo mô hình sinh kế"),
    "livelihoods.outcome_recorded": _a("Ghi kết quả của hộ tham gia mô hình"),
    "livelihoods.participant_added": _a("Thêm hộ tham gia mô hình"),
    # registry
    "registry.head_changed": _a("Đổi chủ hộ"),
    "registry.household_created": _a("Thêm hộ"),
    "registry.household_status_changed": _a("Đổi phân loại hộ"),
    "registry.household_updated": _a("Sửa thông tin hộ"),
    "registry.households_exported": _a("Xuất danh sách hộ"),
    "registry.parquet_exported": _a("Xuất dữ liệu Parquet cho phân tích"),
    "registry.households_imported": _a("Nhập danh sách hộ"),
    "registry.import_foreign_ids_checked": _a("Kiểm tra số định danh khi nhập"),
    "registry.life_event_recorded": _a("Ghi nhận biến động nhân khẩu"),
    "registry.main_earner_set": _a("Đổi lao động chính của hộ"),
    "registry.member_added": _a("Thêm thành viên"),
    "registry.member_left": _a("Thành viên rời hộ"),
    "registry.member_moved": _a("Chuyển thành viên sang hộ khác"),
    "registry.member_returned": _a("Thành viên trở về hộ"),
    "registry.person_merged": _a("Gộp người trùng"),
    "registry.person_merged_away": _a("Người bị gộp vào người khác"),
    "registry.person_updated": _a("Sửa thông tin người"),
    "registry.values_from_survey": _a("Cập nhật thông tin hiện tại của hộ theo phiếu khảo sát"),
    # surveys
    # fieldcollection
    "fieldcollection.form_generated": _a("Lập biểu mẫu ODK"),
    "fieldcollection.submission_imported": _a("Nhập bản nộp ODK thành phiếu khảo sát"),
    "fieldcollection.submission_held": _a("Giữ bản nộp ODK chờ xử lý (hộ đã thay đổi)"),
    "fieldcollection.conflict_accepted": _a("Chấp nhận bản nộp ODK chờ xử lý"),
    "fieldcollection.conflict_rejected": _a("Loại bỏ bản nộp ODK chờ xử lý"),
    "surveys.demo_generated": _a("Tạo phiếu khảo sát trình diễn"),
    "surveys.results_imported": _a("Nhập kết quả khảo sát"),
    "surveys.survey_recorded": _a("Ghi phiếu khảo sát"),
    # credit
    "credit.fund_created": _a("Lập quỹ quay vòng"),
    "credit.fund_turn_recorded": _a("Ghi lượt quay vòng"),
    "credit.loan_disbursed": _a("Ghi khoản vay giải ngân"),
    "credit.loan_status_changed": _a("Cập nhật trạng thái khoản vay"),
    "credit.loan_written_off": _a("Xóa nợ khoản vay"),
    "credit.repayment_recorded": _a("Ghi khoản trả nợ"),
    "credit.use_check_recorded": _a("Ghi kiểm tra sử dụng vốn vay"),
    # programmes
    "programmes.list_approved": _a("Phê duyệt danh sách thụ hưởng"),
    "programmes.list_entry_added": _a("Bổ sung hộ vào danh sách thụ hưởng"),
    "programmes.list_entry_excluded": _a("Loại hộ khỏi danh sách thụ hưởng"),
    "programmes.list_entry_restored": _a("Đưa hộ trở lại danh sách thụ hưởng"),
    "programmes.list_exported": _a("Xuất danh sách thụ hưởng"),
    "programmes.list_generated": _a("Lập danh sách thụ hưởng"),
    "programmes.list_posted": _a("Niêm yết danh sách thụ hưởng"),
    "programmes.loaded": _a("Nạp danh mục chương trình, chính sách"),
    "programmes.programme_changed": _a("Sửa chương trình, chính sách"),
    "programmes.programme_deleted": _a("Xóa chương trình, chính sách"),
    "programmes.support_recorded": _a("Ghi khoản hỗ trợ"),
    # programmes.deliveries
    "deliveries.demo_loaded": _a("Tạo dữ liệu cấp phát trình diễn"),
    "deliveries.health_insurance_card_recorded": _a("Ghi thẻ bảo hiểm y tế"),
    "deliveries.imported": _a("Nhập danh sách cấp phát từ tệp"),
    # reports
    "reports.figures_refreshed": _a("Cập nhật số liệu báo cáo"),
    "reports.what_if_computed": _a("Tính mô phỏng chuẩn nghèo mới"),
    # review
    "review.application_approve": _a("Chấp thuận đơn đề nghị"),
    "review.application_received": _a("Tiếp nhận đơn đề nghị"),
    "review.application_refused": _a("Từ chối đơn đề nghị"),
    "review.average_application_received": _a(
        "Tiếp nhận đơn đề nghị xác định hộ có mức sống trung bình"
    ),
    "review.average_application_refused": _a("Trả lời hộ không đủ điều kiện mức sống trung bình"),
    "review.average_decision_issued": _a("Quyết định công nhận hộ có mức sống trung bình"),
    "review.average_income_recorded": _a("Xác định thu nhập hộ (mức sống trung bình)"),
    "review.calendar_day_deleted": _a("Xóa ngày nghỉ, ngày làm bù"),
    "review.calendar_day_saved": _a("Lưu ngày nghỉ, ngày làm bù"),
    "review.certificates_issued": _a("Cấp giấy chứng nhận"),
    "review.complaint_received": _a("Tiếp nhận khiếu nại"),
    "review.complaint_rechecked": _a("Phúc tra khiếu nại"),
    "review.complaint_resolved": _a("Giải quyết khiếu nại"),
    "review.decision_issued": _a("Ban hành quyết định công nhận"),
    "review.entries_assigned": _a("Phân công rà soát hộ"),
    "review.entries_complain": _a("Hộ có khiếu nại"),
    "review.entries_post": _a("Niêm yết danh sách hộ"),
    "review.entries_recheck_posted": _a("Niêm yết kết quả phúc tra"),
    "review.entries_recognise": _a("Công nhận hộ"),
    "review.entries_refuse": _a("Không công nhận hộ"),
    "review.entries_screen_in": _a("Hộ cần khảo sát (Phiếu A)"),
    "review.entries_screen_out": _a("Hộ không thuộc diện khảo sát (Phiếu A)"),
    "review.entries_survey": _a("Gắn phiếu khảo sát cho hộ"),
    "review.entries_vote_fails": _a("Họp dân không thống nhất"),
    "review.entries_vote_stands": _a("Họp dân thống nhất"),
    "review.entry_added": _a("Thêm hộ vào danh sách rà soát"),
    "review.list_built": _a("Lập danh sách rà soát"),
    "review.meeting_created": _a("Tạo cuộc họp dân"),
    "review.meeting_held": _a("Ghi kết quả họp dân"),
    "review.meeting_minutes_uploaded": _a("Tải lên biên bản họp"),
    "review.posting_created": _a("Niêm yết công khai"),
    "review.province_consolidated": _a("Tổng hợp báo cáo tỉnh"),
    "review.report_submitted": _a("Gửi báo cáo kết quả rà soát"),
    "review.reviewer_added": _a("Thêm rà soát viên"),
    "review.round_close": _a("Kết thúc đợt rà soát"),
    "review.round_consulted": _a("Báo cáo, xin ý kiến trước quyết định"),
    "review.round_created": _a("Lập kế hoạch rà soát"),
    "review.round_decide": _a("Đợt rà soát có quyết định công nhận"),
    "review.round_post": _a("Đợt rà soát chuyển sang niêm yết"),
    "review.round_report": _a("Đợt rà soát đã báo cáo cấp trên"),
    "review.round_start": _a("Bắt đầu đợt rà soát"),
    "review.rule_value_saved": _a("Lưu tham số rà soát"),
    "review.steering_member_added": _a("Thêm thành viên ban chỉ đạo"),
    # training
    "training.attempt_recorded": _a("Ghi bài kiểm tra"),
    "training.attendance_taken": _a("Điểm danh"),
    "training.certificates_issued": _a("Cấp chứng nhận tập huấn"),
    "training.class_created": _a("Tạo lớp tập huấn"),
    "training.class_updated": _a("Sửa lớp tập huấn"),
    "training.contest_created": _a("Tạo hội thi"),
    "training.cost_added": _a("Thêm chi phí"),
    "training.cost_deleted": _a("Xóa chi phí"),
    "training.demo_loaded": _a("Nạp dữ liệu tập huấn trình diễn"),
    "training.handbook_loaded": _a("Nạp sổ tay chính sách"),
    "training.page_created": _a("Thêm trang sổ tay"),
    "training.page_updated": _a("Sửa trang sổ tay"),
    "training.participant_created": _a("Thêm học viên"),
    "training.participant_updated": _a("Sửa học viên"),
    "training.plan_created": _a("Lập kế hoạch tập huấn"),
    "training.plan_updated": _a("Sửa kế hoạch tập huấn"),
    "training.question_created": _a("Thêm câu hỏi"),
    "training.question_updated": _a("Sửa câu hỏi"),
    "training.questions_loaded": _a("Nạp ngân hàng câu hỏi"),
    "training.registered": _a("Đăng ký học viên vào lớp"),
    "training.session_added": _a("Thêm buổi học"),
    "training.test_created": _a("Tạo bài kiểm tra"),
    "training.unregistered": _a("Rút học viên khỏi lớp"),
    # workforce
    "workforce.activity_recorded": _a("Ghi hoạt động"),
    "workforce.assignment_added": _a("Phân công địa bàn"),
    "workforce.assignment_ended": _a("Kết thúc phân công"),
    "workforce.contract_added": _a("Thêm hợp đồng"),
    "workforce.demo_loaded": _a("Nạp dữ liệu đội ngũ trình diễn"),
    "workforce.evaluation_recorded": _a("Ghi đánh giá"),
    "workforce.household_change_applied": _a("Lập đơn rà soát trong năm từ biến động"),
    "workforce.household_change_dismissed": _a("Biến động không đưa vào rà soát"),
    "workforce.household_change_flagged": _a("Đánh dấu biến động cần rà soát"),
    "workforce.household_change_reported": _a("Báo biến động của hộ"),
    "workforce.household_change_taken_up": _a("Biến động được đưa vào rà soát"),
    "workforce.plan_copied": _a("Chép kế hoạch tháng trước"),
    "workforce.plan_created": _a("Lập kế hoạch tháng"),
    "workforce.province_rule_set": _a("Đặt quy định của tỉnh"),
    "workforce.report_approved": _a("Duyệt báo cáo tháng"),
    "workforce.report_commented": _a("Nhận xét báo cáo tháng"),
    "workforce.report_expected": _a("Mở báo cáo tháng"),
    "workforce.report_returned": _a("Trả lại báo cáo tháng để sửa"),
    "workforce.report_saved": _a("Lưu báo cáo tháng"),
    "workforce.report_submitted": _a("Nộp báo cáo tháng"),
    "workforce.reports_opened": _a("Mở kỳ báo cáo tháng"),
    "workforce.request_created": _a("Tiếp nhận yêu cầu hỗ trợ"),
    "workforce.request_forward": _a("Chuyển yêu cầu hỗ trợ cho công chức xã"),
    "workforce.request_household_informed": _a("Thông báo kết quả cho hộ"),
    "workforce.request_reassigned": _a("Đổi người phụ trách yêu cầu"),
    "workforce.request_refuse": _a("Không giải quyết yêu cầu hỗ trợ"),
    "workforce.request_resolve": _a("Giải quyết xong yêu cầu hỗ trợ"),
    "workforce.request_start": _a("Nhận xử lý yêu cầu hỗ trợ"),
    "workforce.task_added": _a("Thêm nhiệm vụ"),
    "workforce.task_removed": _a("Bỏ nhiệm vụ"),
    "workforce.task_updated": _a("Sửa nhiệm vụ"),
    "workforce.worker_created": _a("Thêm cán bộ, cộng tác viên"),
    "workforce.worker_status_changed": _a("Đổi tình trạng làm việc"),
    "workforce.worker_updated": _a("Sửa thông tin cán bộ, cộng tác viên"),
    "workforce.worker_user_linked": _a("Gắn tài khoản"),
}


class UnknownAction(ValueError):
    """A service wrote an action missing from the catalogue (a programming error)."""


def check(action: str) -> None:
    if action not in ACTIONS:
        raise UnknownAction(f"audit action {action!r} is not in giamngheo.audit.actions.ACTIONS")


def label(action: str) -> str:
    """The label of ``action``; an old event's code that left the catalogue shows as is."""
    found = ACTIONS.get(action)
    return str(found) if found is not None else action
