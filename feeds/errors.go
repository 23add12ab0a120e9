package feeds

import (
	"errors"
	"fmt"
)

// ErrorKind says what went wrong with a fetch or parse, for messages and statistics.
type ErrorKind string

// Fetch and parse failure kinds.
const (
	ErrTimeout    ErrorKind = "timeout"
	ErrBlocked    ErrorKind = "blocked"
	ErrTooLarge   ErrorKind = "too_large"
	ErrParse      ErrorKind = "parse"
	ErrEmpty      ErrorKind = "empty" // a feed that listed items lists none
	ErrHTTPStatus ErrorKind = "http_status"
	ErrRedirects  ErrorKind = "redirects"
	ErrDNS        ErrorKind = "dns"
	ErrTLS        ErrorKind = "tls"
	ErrNetwork    ErrorKind = "network"
	ErrInvalidURL ErrorKind = "invalid_url"
	ErrCanceled   ErrorKind = "canceled"
	ErrInternal   ErrorKind = "internal"
)

// FetchError is a failed fetch or parse: Kind and Status for code, Message for a commune
// admin (Vietnamese), Err for the technical detail.
type FetchError struct {
	Kind   ErrorKind
	Status int // HTTP status when one was received
	Err    error
}

// Error returns the technical description.
func (e *FetchError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("feeds: %s", e.Kind)
	}
	if e.Status != 0 {
		return fmt.Sprintf("feeds: %s (HTTP %d): %v", e.Kind, e.Status, e.Err)
	}
	return fmt.Sprintf("feeds: %s: %v", e.Kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *FetchError) Unwrap() error { return e.Err }

// Message returns a short Vietnamese explanation a unit admin understands.
func (e *FetchError) Message() string {
	switch e.Kind {
	case ErrTimeout:
		return "Trang không phản hồi (quá thời gian chờ)"
	case ErrBlocked:
		return "Địa chỉ bị chặn vì trỏ vào mạng nội bộ"
	case ErrTooLarge:
		return "Nội dung quá lớn"
	case ErrParse:
		return "Không đọc được định dạng tin (XML/JSON lỗi)"
	case ErrEmpty:
		return "Nguồn tin trả về danh sách trống (trước đó có bài)"
	case ErrHTTPStatus:
		switch e.Status {
		case 404, 410:
			return fmt.Sprintf("Không tìm thấy trang tin (lỗi %d)", e.Status)
		case 401, 403:
			return fmt.Sprintf("Trang tin từ chối truy cập (lỗi %d)", e.Status)
		case 429:
			return "Máy chủ báo truy cập quá nhiều (lỗi 429)"
		}
		return fmt.Sprintf("Máy chủ báo lỗi %d", e.Status)
	case ErrRedirects:
		return "Trang chuyển hướng quá nhiều lần"
	case ErrDNS:
		return "Không tìm thấy tên miền"
	case ErrTLS:
		return "Lỗi chứng chỉ bảo mật (HTTPS)"
	case ErrInvalidURL:
		return "Địa chỉ trang tin không hợp lệ"
	case ErrCanceled:
		return "Việc kiểm tra bị hủy"
	case ErrInternal:
		return "Lỗi nội bộ khi xử lý trang tin"
	}
	return "Không kết nối được tới trang tin"
}

// message returns the Vietnamese message of any error.
func message(err error) string {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe.Message()
	}
	return "Lỗi nội bộ khi xử lý trang tin"
}
